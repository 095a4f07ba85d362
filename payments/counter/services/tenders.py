"""The tender rules: what each kind of tender must carry, and how tenders meet a total.

The one place these rules live: the counter form, the API and the demo all hand their tenders
here. A refusal names the field of the tender it concerns, suffixed with the tender's position
on the payment (`check_number_0` is the first tender's number), so a form shows it beside the
field and the API answers with the same name.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from accounts.models import CustomerFlag, ServiceAccount
from district.errors import ServiceError
from district.ledger.purposes import Purpose
from district.money import ZERO, format_money, parse_money
from payments.models import Tender

# Where each tender's money waits until it reaches the bank.
TENDER_GL = {
    Tender.Kind.CASH: Purpose.UNDEPOSITED_FUNDS,
    Tender.Kind.CHECK: Purpose.UNDEPOSITED_FUNDS,
    Tender.Kind.MONEY_ORDER: Purpose.UNDEPOSITED_FUNDS,
    Tender.Kind.CARD: Purpose.SETTLEMENTS_DUE,
    Tender.Kind.ACH: Purpose.SETTLEMENTS_DUE,
}
# Paper with a number on it: the number is how the bank and the customer find the item.
NUMBERED = {Tender.Kind.CHECK: "check", Tender.Kind.MONEY_ORDER: "money order"}
REFUSED_WHEN_CASH_ONLY = {Tender.Kind.CHECK, Tender.Kind.ACH}


@dataclass(frozen=True)
class TenderIn:
    """One tender as the cashier entered it. For cash, `amount` is what was handed over."""

    kind: str
    amount: Decimal
    check_number: str = ""  # a check's or a money order's number
    bank_name: str = ""
    card_last4: str = ""
    approval_code: str = ""
    reference: str = ""  # a money order's number may come here (mail, older callers)


@dataclass(frozen=True)
class Tendered:
    tenders: list[TenderIn]  # cash as applied (net of change)
    cash_received: Decimal
    change: Decimal


def _refuse(field: str, position: int, message: str, code: str):
    raise ServiceError({f"{field}_{position}": message}, code=code)


def tender_clean(tender: TenderIn, position: int = 0) -> TenderIn:
    """One tender checked against its kind's rules, its text trimmed to what is stored."""
    if tender.kind not in Tender.Kind.values:
        _refuse("tender_kind", position, f"“{tender.kind}” is not a kind of tender.", "tender")
    amount = parse_money(tender.amount)
    if amount <= 0:
        _refuse("tender_amount", position, "Each tender must be more than $0.00.", "tender_amount")
    number = (tender.check_number or "").strip()
    reference = (tender.reference or "").strip()
    if tender.kind in NUMBERED and not (number or reference):
        _refuse(
            "check_number", position, f"Enter the {NUMBERED[tender.kind]} number.", "check_number"
        )
    is_card = tender.kind == Tender.Kind.CARD
    last4 = (tender.card_last4 or "").strip()
    if is_card and not (len(last4) == 4 and last4.isdigit()):
        _refuse(
            "card_last4",
            position,
            "Enter only the last four digits of the card (never the whole number).",
            "card",
        )
    if not is_card and last4:
        _refuse("card_last4", position, "Only a card tender has card digits.", "card")
    if is_card and not (tender.approval_code or "").strip():
        _refuse("approval_code", position, "Enter the terminal's approval code.", "approval_code")
    return TenderIn(
        kind=tender.kind,
        amount=amount,
        check_number=number[:20] if tender.kind in NUMBERED else "",
        bank_name=(tender.bank_name or "").strip()[:60],
        card_last4=last4 if is_card else "",
        approval_code=tender.approval_code.strip()[:20] if is_card else "",
        reference=reference[:60],
    )


def tendered(total: Decimal, tenders: Sequence[TenderIn]) -> Tendered:
    """Check the tenders against the total and work out the change (only cash gives change)."""
    tenders = [tender_clean(tender, position) for position, tender in enumerate(tenders)]
    if not tenders:
        raise ServiceError("Enter how the customer is paying.", code="no_tender")
    cash = [tender for tender in tenders if tender.kind == Tender.Kind.CASH]
    if len(cash) > 1:
        raise ServiceError("Enter cash once, as the whole amount handed over.", code="cash")
    other = sum((tender.amount for tender in tenders if tender.kind != Tender.Kind.CASH), ZERO)
    if other > total:
        raise ServiceError(
            f"Checks, money orders and cards come to {format_money(other)}, more than the "
            f"{format_money(total)} being paid: add the difference to an account as a credit.",
            code="over_tendered",
        )
    cash_due = total - other
    if not cash:
        if cash_due:
            raise ServiceError(
                f"The tenders come to {format_money(other)}, {format_money(cash_due)} short of "
                f"the {format_money(total)} being paid.",
                code="under_tendered",
            )
        return Tendered(tenders=tenders, cash_received=ZERO, change=ZERO)
    received = cash[0].amount
    if cash_due == 0:
        raise ServiceError("The other tenders cover the payment: take no cash.", code="cash")
    if received < cash_due:
        raise ServiceError(
            f"Cash of {format_money(received)} is {format_money(cash_due - received)} short of "
            f"the {format_money(cash_due)} due in cash.",
            code="under_tendered",
        )
    applied = [
        TenderIn(**{**tender.__dict__, "amount": cash_due})
        if tender.kind == Tender.Kind.CASH
        else tender
        for tender in tenders
    ]
    return Tendered(tenders=applied, cash_received=received, change=received - cash_due)


def cash_only_accounts(account_ids) -> set[int]:
    """Which of the accounts belong to customers flagged cash only."""
    flagged = CustomerFlag.objects.filter(
        customer_id=OuterRef("customer_id"),
        flag=CustomerFlag.Flag.CASH_ONLY,
        cleared_at__isnull=True,
    )
    return set(
        ServiceAccount.objects.filter(pk__in=list(account_ids))
        .filter(Exists(flagged))
        .values_list("pk", flat=True)
    )


def check_cash_only(accounts: dict[int, ServiceAccount], tenders: Sequence[TenderIn]) -> None:
    """Refuse a check (or ACH) for an account whose customer is flagged cash only."""
    if not {tender.kind for tender in tenders} & REFUSED_WHEN_CASH_ONLY:
        return
    cash_only = cash_only_accounts(accounts)
    if cash_only:
        numbers = ", ".join(accounts[pk].formatted_number for pk in sorted(cash_only))
        raise ServiceError(
            f"Account {numbers} is cash only: a check cannot be taken. "
            "Ask for cash, a money order or a card.",
            code="cash_only",
        )
