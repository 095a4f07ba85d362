"""The billing register: what a bill run or a month billed, by customer class, by rate line or
by GL account, from the posted bills' lines. Finance closes a month on it, so its GL view is
what the bills say and the bills' journals must say the same (tests/registers prove it)."""

import datetime

from django import forms
from django.db.models import Case, CharField, Count, F, Min, Q, Sum, Value, When
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.bill_runs.calculation import DEPOSIT_CATEGORY
from billing.bill_runs.journal_lines import REVENUE_BY_CATEGORY
from billing.models import Bill, BillLine, BillRun
from district.ledger.models import GLAccount
from district.ledger.purposes import Purpose
from district.registers.definitions import BAR, MONEY, NUMBER, Chart, Column, Register

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
        bills = bills.filter(bill_date__gte=start, bill_date__lt=end)
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

REGISTERS = (BILLING_REGISTER,)
