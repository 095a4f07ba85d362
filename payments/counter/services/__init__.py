"""The counter's writes: the drawer (open, blind close, over/short), taking payments with their
tender rules, and voids. Split by subject; every name is importable from here."""

from payments.counter.services.drawers import (
    OVER_SHORT_KIND,
    CloseCount,
    close_count_record,
    drawer_close,
    drawer_open,
    over_short_approve,
    over_short_describe,
    over_short_post,
    over_short_settle,
)
from payments.counter.services.sessions import (
    DRAWER_TENDERS,
    depositable_amount,
    session_check_items,
    session_expected,
    session_locked,
)
from payments.counter.services.taking import (
    DEPOSIT_MEMO,
    CheckedPayment,
    PaymentIn,
    payment_check,
    payment_post,
)
from payments.counter.services.tenders import (
    TENDER_GL,
    Tendered,
    TenderIn,
    cash_only_accounts,
    check_cash_only,
    tender_clean,
    tendered,
)
from payments.counter.services.voids import VOID_KIND, void_approve, void_describe, void_request

__all__ = [
    "DEPOSIT_MEMO",
    "DRAWER_TENDERS",
    "OVER_SHORT_KIND",
    "TENDER_GL",
    "VOID_KIND",
    "CheckedPayment",
    "CloseCount",
    "PaymentIn",
    "TenderIn",
    "Tendered",
    "cash_only_accounts",
    "check_cash_only",
    "close_count_record",
    "depositable_amount",
    "drawer_close",
    "drawer_open",
    "over_short_approve",
    "over_short_describe",
    "over_short_post",
    "over_short_settle",
    "payment_check",
    "payment_post",
    "session_check_items",
    "session_expected",
    "session_locked",
    "tender_clean",
    "tendered",
    "void_approve",
    "void_describe",
    "void_request",
]
