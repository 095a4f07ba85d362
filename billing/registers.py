"""The billing register: what a bill run or a month billed, by customer class, by rate line or
by GL account, from the posted bills' lines. Finance closes a month on it, so its GL view is
what the bills say and the bills' journals must say the same (tests/registers prove it)."""

import datetime
from decimal import Decimal

from django import forms
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)  # fmt: skip
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.deposits.services.checks import REFUND_KIND as DEPOSIT_REFUND_KIND
from accounts.models import Deposit, ServiceAccount
from billing.arrangements.models import Arrangement
from billing.bill_runs.calculation import DEPOSIT_CATEGORY
from billing.bill_runs.journal_lines import REVENUE_BY_CATEGORY
from billing.collections.models import CollectionAction, StepKind
from billing.collections.queue import QUEUE_LOOKBACK_DAYS
from billing.collections.selectors import delinquencies
from billing.models import Adjustment, Bill, BillLine, BillRun
from billing.refunds.kinds import REQUEST_KINDS as CREDIT_REFUND_KINDS
from billing.shutoffs.selectors import annual_report
from district.approvals.models import ApprovalRequest
from district.ledger.models import GLAccount, Journal
from district.ledger.purposes import Purpose
from district.registers.definitions import (
    ACCOUNT_DATA,
    BAR,
    DATE,
    MONEY,
    NUMBER,
    Chart,
    Column,
    Register,
)

BY_CLASS, BY_RATE_LINE, BY_GL = "class", "rate_line", "gl"
GROUPS = ((BY_CLASS, "Customer class"), (BY_RATE_LINE, "Rate line"), (BY_GL, "GL account"))
RECENT_RUNS = 36
# The deposit installment lines post to customer deposits by a journal of their own.
GL_BY_CATEGORY = {**REVENUE_BY_CATEGORY, DEPOSIT_CATEGORY: Purpose.CUSTOMER_DEPOSITS}
MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class BillingRegisterForm(forms.Form):
    """One run, or every posted bill dated in a month (this month when neither is chosen)."""

    run = forms.TypedChoiceField(label="Bill run", coerce=int, required=False, empty_value=None)
    month = forms.DateField(
        label="Bill month", required=False, widget=MONTH_INPUT, input_formats=["%Y-%m"]
    )
    group_by = forms.ChoiceField(label="Group by", choices=GROUPS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        runs = BillRun.objects.select_related("period__cycle").order_by("-id")[:RECENT_RUNS]
        self.fields["run"].choices = [("", "Every run (the month)")] + [
            (run.pk, f"Run {run.pk}: {run.period.cycle.code}, billed {run.period.bill_date:%m/%d/%Y}")
            for run in runs
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        data["group_by"] = data.get("group_by") or BY_CLASS
        if not data.get("run") and not data.get("month"):
            data["month"] = _first_of_month(timezone.localdate())
        elif data.get("month"):
            data["month"] = _first_of_month(data["month"])
        return data


def posted_bills(filters: dict):
    """The bills the register covers: posted (a cancelled bill's journal is reversed)."""
    bills = Bill.objects.filter(status=Bill.Status.POSTED)
    if filters.get("run"):
        bills = bills.filter(run_id=filters["run"])
    if filters.get("month"):
        start = filters["month"]
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        # A month's bills are found through the month's few runs (the bills' run index) and
        # the bills outside runs dated in it (finals and corrections, their own partial
        # index): a bill date index over every bill would cost each bill run two entries a
        # bill for a monthly report.
        runs = list(
            BillRun.objects.filter(
                period__bill_date__gte=start, period__bill_date__lt=end
            ).values_list("pk", flat=True)
        )
        bills = bills.filter(
            Q(run_id__in=runs) | Q(run__isnull=True), bill_date__gte=start, bill_date__lt=end
        )
    return bills


def _by_class(bills) -> list[dict]:
    labels = dict(ServiceAccount.CustomerClass.choices)
    rows = (
        bills.order_by()
        .values("account__customer_class")
        .annotate(bills=Count("id"), consumption=Sum("consumption"), charges=Sum("current_charges"))
        .order_by("account__customer_class")
    )
    return [
        {
            "group": labels.get(row["account__customer_class"], row["account__customer_class"]),
            "bills": row["bills"],
            "consumption": row["consumption"],
            "amount": row["charges"],
        }
        for row in rows
    ]


def _lines(bills):
    code = Case(
        When(category=DEPOSIT_CATEGORY, then=Value(DEPOSIT_CATEGORY)),
        default=F("code"),
        output_field=CharField(),
    )
    return BillLine.objects.filter(bill__in=bills).order_by().annotate(line_code=code)


def _by_rate_line(bills) -> list[dict]:
    rows = (
        _lines(bills)
        .values("category", "line_code")
        .annotate(
            description=Min("description"),
            lines=Count("id"),
            quantity=Sum("quantity", filter=Q(quantity__isnull=False)),
            amount=Sum("amount"),
        )
        .order_by("category", "line_code")
    )
    return [
        {
            "group": row["line_code"],
            "description": (
                "Deposit installments"
                if row["category"] == DEPOSIT_CATEGORY
                else row["description"]
            ),
            "bills": row["lines"],
            "quantity": row["quantity"],
            "amount": row["amount"],
        }
        for row in rows
    ]


def _by_gl(bills) -> list[dict]:
    by_category = _lines(bills).values("category").annotate(amount=Sum("amount"))
    amounts: dict[str, object] = {}
    for row in by_category:
        purpose = GL_BY_CATEGORY.get(row["category"])
        key = purpose.value if purpose else ""
        amounts[key] = amounts.get(key, 0) + row["amount"]
    accounts = {
        account.purpose: account for account in GLAccount.objects.filter(purpose__in=list(amounts))
    }
    rows = []
    for purpose, amount in amounts.items():
        account = accounts.get(purpose)
        rows.append(
            {
                "group": account.code if account else "—",
                "description": account.name if account else "No GL account set up",
                "amount": amount,
            }
        )
    return sorted(rows, key=lambda row: row["group"])


def billing_rows(filters: dict) -> list[dict]:
    bills = posted_bills(filters)
    group = filters["group_by"]
    if group == BY_RATE_LINE:
        return _by_rate_line(bills)
    if group == BY_GL:
        return _by_gl(bills)
    return _by_class(bills)


def billing_columns(filters: dict) -> list[Column]:
    group = filters.get("group_by") or BY_CLASS
    if group == BY_RATE_LINE:
        return [
            Column("Rate line", "group"),
            Column("Description", "description"),
            Column("Lines", "bills", NUMBER, total=True),
            Column("Quantity", "quantity", NUMBER),
            Column("Amount", "amount", MONEY, total=True),
        ]
    if group == BY_GL:
        return [
            Column("GL account", "group"),
            Column("Name", "description"),
            Column("Billed", "amount", MONEY, total=True),
        ]
    return [
        Column("Customer class", "group"),
        Column("Bills", "bills", NUMBER, total=True),
        Column("Consumption (hcf)", "consumption", NUMBER, total=True),
        Column("Charges", "amount", MONEY, total=True),
    ]


def billing_caption(filters: dict) -> str:
    scope = (
        f"bill run {filters['run']}"
        if filters.get("run")
        else f"bills dated in {filters['month']:%B %Y}"
    )
    if filters.get("run") and filters.get("month"):
        scope += f" dated in {filters['month']:%B %Y}"
    group = dict(GROUPS)[filters.get("group_by") or BY_CLASS].lower()
    return f"Posted {scope}, by {group}"


BILLING_REGISTER = Register(
    slug="billing",
    title="Billing register",
    description=(
        "Posted bills of a run or a month. Cancelled bills are left out: their journals are "
        "reversed. Deposit installments billed post to customer deposits held."
    ),
    form=BillingRegisterForm,
    columns=billing_columns,
    rows=billing_rows,
    caption=billing_caption,
    chart=Chart(BAR, category="group", series=("amount",), title="Amount billed"),
    order=10,
)


# -- adjustments and refunds -------------------------------------------------------------------

PENDING, DONE, REFUSED = "pending", "done", "refused"
OUTCOMES = ((PENDING, "Waiting for approval"), (DONE, "Posted or approved"), (REFUSED, "Refused"))
ADJUSTMENT, CREDIT_REFUND, DEPOSIT_REFUND = "adjustment", "credit_refund", "deposit_refund"
KINDS = ((ADJUSTMENT, "Adjustment"), (CREDIT_REFUND, "Credit refund"),
         (DEPOSIT_REFUND, "Deposit refund"))  # fmt: skip
_ADJUSTMENT_OUTCOME = {
    Adjustment.Status.PENDING_APPROVAL: PENDING,
    Adjustment.Status.POSTED: DONE,
    Adjustment.Status.REJECTED: REFUSED,
}
_REQUEST_OUTCOME = {
    ApprovalRequest.Status.PENDING: PENDING,
    ApprovalRequest.Status.APPROVED: DONE,
    ApprovalRequest.Status.REJECTED: REFUSED,
    ApprovalRequest.Status.CANCELLED: REFUSED,
}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CorrectionsForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DATE_INPUT)
    end = forms.DateField(label="To", required=False, widget=DATE_INPUT)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Every kind"), *KINDS])
    outcome = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Every status"), *OUTCOMES]
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["end"] = data.get("end") or timezone.localdate()
        data["start"] = data.get("start") or _first_of_month(data["end"])
        if data["start"] > data["end"]:
            self.add_error("end", "The last day must be on or after the first day.")
        return data


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _local_day_range(filters: dict) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(filters["start"], datetime.time())
    end = datetime.datetime.combine(filters["end"] + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(start), timezone.make_aware(end)


def _adjustment_rows(filters: dict) -> list[dict]:
    """Adjustments asked in the days, with who decided their approval (two queries)."""
    since, until = _local_day_range(filters)
    adjustments = list(
        Adjustment.objects.filter(requested_at__gte=since, requested_at__lt=until)
        .select_related("account", "requested_by")
        .order_by("requested_at", "id")
    )
    deciders = {
        request.pk: request.decided_by
        for request in ApprovalRequest.objects.filter(
            pk__in=[a.approval_request_id for a in adjustments if a.approval_request_id]
        ).select_related("decided_by")
    }
    return [
        {
            "date": timezone.localtime(adjustment.requested_at).date(),
            "kind": "Adjustment",
            "account": adjustment.account.formatted_number,
            "detail": f"{adjustment.get_reason_display()}: {adjustment.memo}",
            # A credit lowers what the customer owes: negative, as on their statement.
            "amount": adjustment.amount
            if adjustment.direction == Adjustment.Direction.DEBIT
            else -adjustment.amount,
            "outcome": _ADJUSTMENT_OUTCOME.get(adjustment.status, PENDING),
            "requested_by": _name(adjustment.requested_by),
            "approved_by": _name(deciders.get(adjustment.approval_request_id)),
        }
        for adjustment in adjustments
    ]


def _request_rows(filters: dict) -> list[dict]:
    """Credit and deposit refund requests filed in the days (two queries)."""
    since, until = _local_day_range(filters)
    requests = list(
        ApprovalRequest.objects.filter(
            kind__in=(*CREDIT_REFUND_KINDS, DEPOSIT_REFUND_KIND),
            requested_at__gte=since,
            requested_at__lt=until,
        )
        .select_related("requested_by", "decided_by")
        .order_by("requested_at", "id")
    )
    account_ids = [
        request.payload.get("account_id")
        for request in requests
        if request.kind in CREDIT_REFUND_KINDS and request.payload.get("account_id")
    ]
    numbers = {
        account.pk: account.formatted_number
        for account in ServiceAccount.objects.filter(pk__in=account_ids).only("number")
    }
    rows = []
    for request in requests:
        deposit = request.kind == DEPOSIT_REFUND_KIND
        account = (
            request.payload.get("account", "")
            if deposit
            else numbers.get(request.payload.get("account_id"), "")
        )
        rows.append(
            {
                "date": timezone.localtime(request.requested_at).date(),
                "kind": "Deposit refund" if deposit else "Credit refund",
                "account": account,
                "detail": request.reason,
                "amount": request.amount,
                "outcome": _REQUEST_OUTCOME.get(request.status, PENDING),
                "requested_by": _name(request.requested_by),
                "approved_by": _name(request.decided_by),
            }
        )
    return rows


def _direct_deposit_refunds(filters: dict) -> list[dict]:
    """Deposits returned within the refund limit, with no request to approve (two queries):
    who posted the settling journal asked for it."""
    asked = ApprovalRequest.objects.filter(
        kind=DEPOSIT_REFUND_KIND, target_id=Cast(OuterRef("pk"), CharField())
    )
    deposits = list(
        Deposit.objects.filter(
            status__in=(Deposit.Status.REFUNDED, Deposit.Status.CREDITED),
            closed_on__gte=filters["start"],
            closed_on__lte=filters["end"],
        )
        .exclude(Exists(asked))
        .select_related("account")
        .order_by("closed_on", "id")
    )
    posters = {
        journal.pk: journal.posted_by
        for journal in Journal.objects.filter(
            pk__in=[deposit.settle_journal_id for deposit in deposits if deposit.settle_journal_id]
        ).select_related("posted_by")
    }
    return [
        {
            "date": deposit.closed_on,
            "kind": "Deposit refund",
            "account": deposit.account.formatted_number,
            "detail": deposit.get_status_display(),
            "amount": deposit.amount,
            "outcome": DONE,
            "requested_by": _name(posters.get(deposit.settle_journal_id)),
            "approved_by": "Within the refund limit",
        }
        for deposit in deposits
    ]


def corrections_rows(filters: dict) -> list[dict]:
    kind = filters.get("kind")
    rows = []
    if kind in ("", None, ADJUSTMENT):
        rows += _adjustment_rows(filters)
    if kind in ("", None, CREDIT_REFUND, DEPOSIT_REFUND):
        wanted = {CREDIT_REFUND: "Credit refund", DEPOSIT_REFUND: "Deposit refund"}.get(kind)
        rows += [row for row in _request_rows(filters) if wanted in (None, row["kind"])]
    if kind in ("", None, DEPOSIT_REFUND):
        rows += _direct_deposit_refunds(filters)
    if filters.get("outcome"):
        rows = [row for row in rows if row["outcome"] == filters["outcome"]]
    labels = dict(OUTCOMES)
    for row in rows:
        row["status"] = labels[row.pop("outcome")]
    return sorted(rows, key=lambda row: (row["date"], row["kind"], row["account"]))


ADJUSTMENTS_AND_REFUNDS = Register(
    slug="adjustments-refunds",
    title="Adjustments and refunds",
    description=(
        "Adjustments, credit refunds and deposit refunds asked in the days, with who asked and "
        "who approved. Credits are negative, as on the customer's statement."
    ),
    form=CorrectionsForm,
    columns=(
        Column("Date", "date", DATE),
        Column("Kind", "kind"),
        Column("Account", "account", customer_data=ACCOUNT_DATA),
        Column("Detail", "detail"),
        Column("Amount", "amount", MONEY, total=True),
        Column("Status", "status"),
        Column("Requested by", "requested_by"),
        Column("Approved by", "approved_by"),
    ),
    rows=corrections_rows,
    caption=lambda filters: (
        f"Adjustments and refunds, {filters['start']:%m/%d/%Y} to {filters['end']:%m/%d/%Y}"
    ),
    order=20,
)


# -- arrangements and collections --------------------------------------------------------------

ARRANGEMENTS, COLLECTIONS, SHUTOFFS = "arrangements", "collections", "shutoffs"
VIEWS = (
    (ARRANGEMENTS, "Payment arrangements by status"),
    (COLLECTIONS, "Accounts in collections by step"),
    (SHUTOFFS, "Shut-offs and reconnections by month"),
)


class CollectionsForm(forms.Form):
    view = forms.ChoiceField(label="Show", required=False, choices=VIEWS)
    year = forms.IntegerField(
        label="Year (shut-offs)", required=False, min_value=2000, max_value=2100
    )

    def clean(self):
        data = super().clean()
        data["view"] = data.get("view") or ARRANGEMENTS
        data["year"] = data.get("year") or timezone.localdate().year
        return data


def _arrangement_rows() -> list[dict]:
    found = {
        row["status"]: row
        for row in Arrangement.objects.order_by()
        .values("status")
        .annotate(count=Count("id"), amount=Sum("amount"))
    }
    return [
        {"group": label, "count": found[status]["count"], "amount": found[status]["amount"]}
        for status, label in Arrangement.Status.choices
        if status in found
    ]


def _collection_rows() -> list[dict]:
    """Accounts in collections (a step taken in their current delinquency) by the last step
    reached, with what they owe past due (the collections queue's rule, every account)."""
    on = timezone.localdate()
    since = on - datetime.timedelta(days=QUEUE_LOOKBACK_DAYS)
    candidates = list(
        CollectionAction.objects.filter(kind__in=StepKind.values, taken_on__gte=since)
        .values_list("account_id", flat=True)
        .distinct()
    )
    facts = delinquencies(candidates, on=on)
    reached: dict[int, str] = {}
    for account_id, kind in (
        CollectionAction.objects.filter(
            bill_id__in=[fact.oldest_unpaid_bill_id for fact in facts.values()],
            kind__in=StepKind.values,
        )
        .order_by("taken_on", "id")
        .values_list("account_id", "kind")
    ):
        reached[account_id] = kind
    rows = {kind: {"group": label, "count": 0, "amount": Decimal(0)}
            for kind, label in StepKind.choices}  # fmt: skip
    for account_id, kind in reached.items():
        rows[kind]["count"] += 1
        rows[kind]["amount"] += facts[account_id].past_due
    return [row for row in rows.values() if row["count"]]


def _shutoff_rows(year: int) -> list[dict]:
    return [
        {
            "group": row.month.strftime("%b %Y"),
            "notices": row.notices,
            "shutoffs": row.shutoffs,
            "reconnections": row.reconnections,
            "days": row.average_days_to_reconnect,
        }
        for row in annual_report(year).months
    ]


def collections_rows(filters: dict) -> list[dict]:
    if filters["view"] == SHUTOFFS:
        return _shutoff_rows(filters["year"])
    if filters["view"] == COLLECTIONS:
        return _collection_rows()
    return _arrangement_rows()


def collections_columns(filters: dict) -> list[Column]:
    view = filters.get("view") or ARRANGEMENTS
    if view == SHUTOFFS:
        return [
            Column("Month", "group"),
            Column("Notices", "notices", NUMBER, total=True),
            Column("Shut-offs", "shutoffs", NUMBER, total=True),
            Column("Reconnections", "reconnections", NUMBER, total=True),
            Column("Average days to reconnect", "days", NUMBER),
        ]
    if view == COLLECTIONS:
        return [
            Column("Step reached", "group"),
            Column("Accounts", "count", NUMBER, total=True),
            Column("Past due", "amount", MONEY, total=True),
        ]
    return [
        Column("Status", "group"),
        Column("Arrangements", "count", NUMBER, total=True),
        Column("Amount arranged", "amount", MONEY, total=True),
    ]


def collections_caption(filters: dict) -> str:
    if filters["view"] == SHUTOFFS:
        return f"Residential shut-offs and reconnections by month, {filters['year']}"
    return f"{dict(VIEWS)[filters['view']]}, {timezone.localdate():%m/%d/%Y}"


ARRANGEMENTS_AND_COLLECTIONS = Register(
    slug="arrangements-collections",
    title="Arrangements and collections",
    description=(
        "Payment arrangements by status, accounts in collections by the last step reached, and "
        "residential shut-offs and reconnections by month."
    ),
    form=CollectionsForm,
    columns=collections_columns,
    rows=collections_rows,
    caption=collections_caption,
    chart=Chart(BAR, category="group", series=("count", "shutoffs", "reconnections")),
    order=70,
)

REGISTERS = (BILLING_REGISTER, ADJUSTMENTS_AND_REFUNDS, ARRANGEMENTS_AND_COLLECTIONS)
