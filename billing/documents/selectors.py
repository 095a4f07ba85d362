"""Reads behind the bill document, the bill pages and the account's bills panel.

Fixed query counts whatever the history's length:
- `bill_for_document`: 2 (the bill with account, customer, premise, version, reads; its lines).
- `bill_document`: 8 more (earlier bills, the ledger statement, the previous bill sent, the
  bill's deposit installment journals and a payment arrangement's installments
  (billing.documents.statement), the premise's
  installations and reads for the 13-month chart, the deposit installments left); one fewer
  when the caller passes the earlier bills.
- `account_bills`: 1.
"Why is this bill high?" is billing.documents.explain.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from accounts.deposits.installments import installments_left_after_bill
from billing.documents.scan_line import scan_line
from billing.documents.statement import DRAFT_STATUSES, bill_statement
from billing.models import Bill, BillLine
from billing.rates.services import version_label
from district.ledger.selectors import StatementLine, account_activity
from district.quantities import quantity_text
from field_ops.consumption import MonthUsage, monthly_consumption

CHART_MONTHS = 13
# Earlier bills that make up the account's typical use (a year of monthly bills).
TYPICAL_BILLS = 12
# Use over this many times the typical use prints the high-use / possible-leak message.
HIGH_USE_MULTIPLE = Decimal(2)


def bill_queryset():
    return Bill.objects.select_related(
        "account__customer",
        "account__premise",
        "rate_version__schedule",
        "previous_read__meter",
        "current_read__meter",
        "replaces",
    ).prefetch_related(Prefetch("lines", queryset=BillLine.objects.order_by("position")))


def bill_for_document(bill_id: int) -> Bill:
    """The bill with everything a page or the PDF prints from it, or 404 (2 queries)."""
    return get_object_or_404(bill_queryset(), pk=bill_id)


def is_draft(bill: Bill) -> bool:
    return bill.status in DRAFT_STATUSES


def bill_days(bill: Bill) -> int:
    """Service days: the period's first day to its last, both counted."""
    return (bill.period_end - bill.period_start).days + 1


def earlier_bills(bill: Bill, *, limit: int = 14, with_lines: bool = False) -> list[Bill]:
    """The account's live bills before this one, newest first (one query, two with lines)."""
    queryset = (
        Bill.objects.filter(
            account_id=bill.account_id,
            period_end__lt=bill.period_start,
            status__in=(Bill.Status.POSTED,),
        )
        .select_related("rate_version__schedule", "previous_read", "current_read")
        .order_by("-period_end", "-id")
    )
    if with_lines:
        queryset = queryset.prefetch_related(
            Prefetch("lines", queryset=BillLine.objects.order_by("position"))
        )
    return list(queryset[:limit])


def typical_daily_use(bills: list[Bill]) -> Decimal | None:
    """Average use per day over earlier bills (HCF/day), or None without history."""
    days = sum(bill_days(bill) for bill in bills)
    if not days:
        return None
    return sum((bill.consumption for bill in bills), Decimal(0)) / days


@dataclass(frozen=True)
class Message:
    key: str  # "estimated", "high_use"
    title: str
    text: str


@dataclass
class BillDocument:
    """Everything printed on the bill, worked out once for the PDF and the pages."""

    bill: Bill
    account: object
    premise: object
    customer: object
    lines: list[BillLine]
    days: int
    draft: bool
    previous_bill: Bill | None
    previous_balance: Decimal
    payments: list[StatementLine]
    adjustments: list[StatementLine]
    payments_total: Decimal
    adjustments_total: Decimal
    balance_forward: Decimal
    current_charges: Decimal
    amount_due: Decimal
    typical_use: Decimal | None  # HCF over this bill's days at the typical daily rate
    months: list[MonthUsage]
    messages: list[Message] = field(default_factory=list)
    scan_line: str = ""
    rate_version_label: str = ""
    # "2 deposit installments left ($66.66)" after this bill, or "" (deposits in installments)
    deposit_installments_left: str = ""
    history: list[Bill] = field(default_factory=list)  # earlier posted bills, newest first
    ledger: list[StatementLine] = field(default_factory=list)  # the account's, oldest first
    # A payment arrangement's installment lines and the arranged balance left for later bills
    # (billing.documents.statement.arrangement_on_bill).
    arrangement_lines: list = field(default_factory=list)
    arranged_not_yet_due: Decimal = Decimal(0)

    @property
    def tier_lines(self) -> list[BillLine]:
        return [line for line in self.lines if line.code.startswith("water")]


def bill_document(bill: Bill, *, history: list[Bill] | None = None) -> BillDocument:
    """The bill's printed figures from the bill, the ledger and the premise's reads.

    `history` (earlier_bills of this bill, newest first) saves its query when the caller has it.
    """
    account = bill.account
    draft = is_draft(bill)
    if history is None:
        history = earlier_bills(bill, limit=TYPICAL_BILLS)
    history = history[:TYPICAL_BILLS]
    ledger = account_activity(account.pk)
    summary = bill_statement(bill, ledger)
    days = bill_days(bill)
    daily = typical_daily_use(history)
    typical_use = (daily * days).quantize(Decimal("0.01")) if daily is not None else None
    months = monthly_consumption(
        premise_id=account.premise_id, months=CHART_MONTHS, as_of=bill.period_end
    )
    messages = []
    if bill.estimated:
        messages.append(
            Message(
                "estimated",
                gettext("Estimated reading"),
                gettext(
                    "We could not read your meter this period, so this bill uses an estimate "
                    "based on your past use. Your next actual reading will correct it "
                    "automatically."
                ),
            )
        )
    if typical_use and bill.consumption > HIGH_USE_MULTIPLE * typical_use:
        messages.append(
            Message(
                "high_use",
                gettext("High water use: possible leak"),
                gettext(
                    "You used %(used)s this period, more than twice your typical %(typical)s "
                    "for %(days)s. Check toilets, irrigation and faucets for leaks, or call us "
                    "to ask for a leak check."
                )
                % {
                    "used": quantity_text(bill.consumption, "HCF"),
                    "typical": quantity_text(typical_use, "HCF"),
                    "days": quantity_text(days, "day"),
                },
            )
        )
    return BillDocument(
        bill=bill,
        account=account,
        premise=account.premise,
        customer=account.customer,
        lines=list(bill.lines.all()),
        days=days,
        draft=draft,
        previous_bill=summary.previous_bill,
        previous_balance=summary.previous_balance,
        payments=summary.payments,
        adjustments=summary.adjustments,
        payments_total=summary.payments_total,
        adjustments_total=summary.adjustments_total,
        balance_forward=summary.balance_forward,
        current_charges=summary.current_charges,
        amount_due=summary.amount_due,
        typical_use=typical_use,
        months=months,
        messages=messages,
        scan_line=scan_line(account.number, summary.amount_due),
        rate_version_label=version_label(bill.rate_version) if bill.rate_version else "",
        deposit_installments_left=installments_left_after_bill(
            account_id=account.pk, bill_id=bill.pk
        ),
        history=history,
        ledger=ledger,
        arrangement_lines=summary.arrangement_lines,
        arranged_not_yet_due=summary.arranged_not_yet_due,
    )


# -- the account page's bills panel ------------------------------------------------------------

PANEL_BILLS = 12


def account_bills(account_id: int, *, limit: int = PANEL_BILLS) -> list[Bill]:
    """The account's latest bills, newest first, cancelled ones included (one query)."""
    return list(
        Bill.objects.filter(account_id=account_id)
        .only(
            "id", "number", "status", "kind", "period_start", "period_end", "bill_date",
            "due_date", "amount_due", "current_charges", "pdf", "account_id",
        )
        .order_by("-period_end", "-id")[:limit]
    )  # fmt: skip
