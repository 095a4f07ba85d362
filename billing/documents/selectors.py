"""Reads behind the bill document, the bill pages, the account's bills panel and "why high?".

Fixed query counts whatever the history's length:
- `bill_for_document`: 2 (the bill with account, customer, premise, version, reads; its lines).
- `bill_document`: 5 more (earlier bills, the ledger statement, the premise's installations
  and reads for the 13-month chart, the deposit installments left).
- `why_high`: 4 more (earlier bills with their lines, open leak orders).
- `account_bills`: 1.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accounts.deposits.installments import installments_left_after_bill
from billing.documents.scan_line import scan_line
from billing.models import Bill, BillLine
from billing.rate_services import version_label
from district.ledger.selectors import StatementLine, account_activity
from district.money import ZERO
from field_ops.consumption import MonthUsage, monthly_consumption
from field_ops.models import WorkOrder

CHART_MONTHS = 13
# Earlier bills that make up the account's typical use (a year of monthly bills).
TYPICAL_BILLS = 12
# Use over this many times the typical use prints the high-use / possible-leak message.
HIGH_USE_MULTIPLE = Decimal(2)
# The bill a year earlier: the one whose period ends within this many days of a year before.
LAST_YEAR_TOLERANCE_DAYS = 20
LEAK_ORDER_TYPES = (WorkOrder.Type.LEAK_INVESTIGATION, WorkOrder.Type.HIGH_BILL_INVESTIGATION)
OPEN_ORDER_STATUSES = (
    WorkOrder.Status.NEW,
    WorkOrder.Status.SCHEDULED,
    WorkOrder.Status.DISPATCHED,
    WorkOrder.Status.IN_PROGRESS,
)
DRAFT_STATUSES = (Bill.Status.CALCULATED, Bill.Status.HELD)
PAYMENT_KIND = "Payment"  # the ledger's label of payment journals


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
        .select_related("rate_version__schedule")
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

    @property
    def tier_lines(self) -> list[BillLine]:
        return [line for line in self.lines if line.code.startswith("water")]


def _split_statement(
    statement: list[StatementLine], *, bill: Bill, previous_bill: Bill | None
) -> tuple[Decimal, list[StatementLine]]:
    """(balance right after the previous bill, receivable lines between the two bills).

    Lines are placed by journal: after the previous bill's journal and before this bill's
    (a draft has no journal yet: everything after the previous bill up to its bill date).
    """
    start = 0
    opening = ZERO
    if previous_bill is not None and previous_bill.journal_id is not None:
        for index, line in enumerate(statement):
            if line.journal_id == previous_bill.journal_id:
                start, opening = index + 1, line.running_balance
    elif previous_bill is not None:
        # A $0.00 bill posts no journal: what was on the books by its bill date came before.
        for index, line in enumerate(statement):
            if line.date <= previous_bill.bill_date:
                start, opening = index + 1, line.running_balance
    end = len(statement)
    if bill.journal_id is not None:
        for index, line in enumerate(statement):
            if line.journal_id == bill.journal_id:
                end = index
                break
    between = [
        line
        for line in statement[start:end]
        if bill.journal_id is not None or line.date <= bill.bill_date
    ]
    return opening, between


def bill_document(bill: Bill) -> BillDocument:
    """The bill's printed figures from the bill, the ledger and the premise's reads."""
    account = bill.account
    draft = is_draft(bill)
    history = earlier_bills(bill, limit=TYPICAL_BILLS)
    previous_bill = history[0] if history else None
    statement = account_activity(account.pk)
    previous_balance, between = _split_statement(statement, bill=bill, previous_bill=previous_bill)
    payments = [line for line in between if line.kind == PAYMENT_KIND]
    adjustments = [line for line in between if line.kind != PAYMENT_KIND]
    payments_total = sum((line.amount for line in payments), ZERO)
    adjustments_total = sum((line.amount for line in adjustments), ZERO)
    balance_forward = previous_balance + payments_total + adjustments_total
    # A posted bill prints the figures fixed when it posted; a draft shows what it would be.
    amount_due = balance_forward + bill.current_charges if draft else bill.amount_due
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
                "Estimated reading",
                "We could not read your meter this period, so this bill uses an estimate based "
                "on your past use. Your next actual reading will correct it automatically.",
            )
        )
    if typical_use and bill.consumption > HIGH_USE_MULTIPLE * typical_use:
        messages.append(
            Message(
                "high_use",
                "High water use: possible leak",
                f"You used {bill.consumption} HCF this period, more than twice your typical "
                f"{typical_use} HCF for {days} days. Check toilets, irrigation and faucets for "
                "leaks, or call us to ask for a leak check.",
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
        previous_bill=previous_bill,
        previous_balance=previous_balance,
        payments=payments,
        adjustments=adjustments,
        payments_total=payments_total,
        adjustments_total=adjustments_total,
        balance_forward=balance_forward,
        current_charges=bill.current_charges,
        amount_due=amount_due,
        typical_use=typical_use,
        months=months,
        messages=messages,
        scan_line=scan_line(account.number, amount_due),
        rate_version_label=version_label(bill.rate_version) if bill.rate_version else "",
        deposit_installments_left=installments_left_after_bill(
            account_id=account.pk, bill_id=bill.pk
        ),
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


# -- why is this bill high? --------------------------------------------------------------------


@dataclass(frozen=True)
class UseComparison:
    label: str  # "Last period", "Same period last year"
    bill: Bill
    days: int
    consumption: Decimal
    daily: Decimal | None
    change_percent: Decimal | None  # this bill's daily use against that bill's, in percent
    estimated: bool


@dataclass(frozen=True)
class RateChange:
    code: str
    description: str
    old_rate: Decimal | None
    new_rate: Decimal | None


@dataclass
class WhyHigh:
    bill: Bill
    days: int
    daily: Decimal | None
    previous: UseComparison | None
    last_year: UseComparison | None
    tier_lines: list[BillLine]
    highest_tier: BillLine | None
    estimated: bool
    previous_estimated: bool
    version_changed: bool
    current_version: str
    previous_version: str
    rate_changes: list[RateChange]
    open_orders: list[WorkOrder]
    typical_use: Decimal | None
    findings: list[str]

    @property
    def comparisons(self) -> list[UseComparison]:
        return [row for row in (self.previous, self.last_year) if row is not None]


def _daily(consumption: Decimal, days: int) -> Decimal | None:
    return (consumption / days).quantize(Decimal("0.001")) if days else None


def _comparison(label: str, bill: Bill, other: Bill) -> UseComparison:
    days = bill_days(other)
    daily = _daily(other.consumption, days)
    this_daily = _daily(bill.consumption, bill_days(bill))
    change = None
    if daily and this_daily is not None:
        change = ((this_daily - daily) / daily * 100).quantize(Decimal("1"))
    return UseComparison(label, other, days, other.consumption, daily, change, other.estimated)


def _bill_a_year_before(bill: Bill, history: list[Bill]) -> Bill | None:
    try:
        target = bill.period_end.replace(year=bill.period_end.year - 1)
    except ValueError:  # 29 February
        target = bill.period_end - datetime.timedelta(days=365)
    candidates = [
        other
        for other in history
        if abs((other.period_end - target).days) <= LAST_YEAR_TOLERANCE_DAYS
    ]
    return min(candidates, key=lambda other: abs((other.period_end - target).days), default=None)


def _rate_changes(bill: Bill, history: list[Bill]) -> list[RateChange]:
    """Lines whose rate differs from the last earlier bill that had a line of that code.

    (The last bill may not reach a tier this one does: its rate is then the one billed before.)
    """
    old: dict[str, BillLine] = {}
    for earlier in history:  # newest first: the first line seen of each code is the latest
        for line in earlier.lines.all():
            if line.rate is not None:
                old.setdefault(line.code, line)
    changes = []
    for line in bill.lines.all():
        if line.rate is None or line.code not in old:
            continue
        if old[line.code].rate != line.rate:
            changes.append(RateChange(line.code, line.description, old[line.code].rate, line.rate))
    return changes


def why_high(bill: Bill) -> WhyHigh:
    """The facts a CSR reads out when a customer asks why this bill is high (3 queries)."""
    history = earlier_bills(bill, limit=14, with_lines=True)
    previous_bill = history[0] if history else None
    days = bill_days(bill)
    previous = _comparison("Last period", bill, previous_bill) if previous_bill else None
    year_bill = _bill_a_year_before(bill, history)
    last_year = _comparison("Same period last year", bill, year_bill) if year_bill else None
    tier_lines = [
        line for line in bill.lines.all() if line.code.startswith("water") and line.quantity
    ]
    highest_tier = tier_lines[-1] if tier_lines else None
    current_version = version_label(bill.rate_version) if bill.rate_version else ""
    previous_version = (
        version_label(previous_bill.rate_version)
        if previous_bill and previous_bill.rate_version
        else ""
    )
    version_changed = bool(previous_bill) and previous_bill.rate_version_id != bill.rate_version_id
    rate_changes = _rate_changes(bill, history)
    open_orders = list(
        WorkOrder.objects.filter(
            premise_id=bill.account.premise_id,
            order_type__in=LEAK_ORDER_TYPES,
            status__in=OPEN_ORDER_STATUSES,
        ).order_by("requested_date", "id")
    )
    daily_typical = typical_daily_use(history[:TYPICAL_BILLS])
    typical_use = (daily_typical * days).quantize(Decimal("0.01")) if daily_typical else None

    findings = []
    if previous and previous.days != days:
        findings.append(
            f"This bill covers {days} days; the last one covered {previous.days} "
            f"({days - previous.days:+d} days)."
        )
    if previous and previous.change_percent is not None and previous.change_percent > 0:
        findings.append(
            f"Daily use is up {previous.change_percent}% on the last period "
            f"({_daily(bill.consumption, days)} against {previous.daily} HCF a day)."
        )
    if last_year and last_year.change_percent is not None and last_year.change_percent > 0:
        findings.append(
            f"Daily use is up {last_year.change_percent}% on the same period last year."
        )
    if len(tier_lines) > 1:
        findings.append(
            f"Use reached tier {len(tier_lines)} ({highest_tier.description}), "
            "where water costs more."
        )
    if bill.estimated:
        findings.append("This bill is based on an estimated read.")
    elif previous and previous.estimated:
        findings.append(
            "The last bill was estimated; this actual read trues it up, so use the estimate "
            "missed is billed now."
        )
    if version_changed:
        findings.append(f"Rates changed: {previous_version} to {current_version}.")
    if typical_use and bill.consumption > HIGH_USE_MULTIPLE * typical_use:
        findings.append(
            f"Use is more than twice the typical {typical_use} HCF for {days} days: "
            "a leak is possible."
        )
    if open_orders:
        findings.append(f"{len(open_orders)} open leak or high-bill order(s) at the premise.")
    return WhyHigh(
        bill=bill,
        days=days,
        daily=_daily(bill.consumption, days),
        previous=previous,
        last_year=last_year,
        tier_lines=tier_lines,
        highest_tier=highest_tier,
        estimated=bill.estimated,
        previous_estimated=bool(previous and previous.estimated),
        version_changed=version_changed,
        current_version=current_version,
        previous_version=previous_version,
        rate_changes=rate_changes,
        open_orders=open_orders,
        typical_use=typical_use,
        findings=findings,
    )
