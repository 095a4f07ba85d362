"""The accounts' registers: deposits held per account (the ledger's word, tied to the customer
deposits liability of the trial balance) and the district's aging at each month end."""

import datetime

from django import forms
from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import ServiceAccount
from district.ledger.models import ClosedPeriod, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import Aging, district_agings
from district.registers.definitions import (
    ACCOUNT_DATA,
    DATE,
    LINE,
    MONEY,
    Chart,
    Column,
    Register,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CLASSES = ServiceAccount.CustomerClass
UNTAGGED = "Not tagged to an account"


class DepositsHeldForm(forms.Form):
    as_of = forms.DateField(label="As of", required=False, widget=DATE_INPUT)
    customer_class = forms.ChoiceField(
        label="Customer class", required=False, choices=[("", "Every class"), *CLASSES.choices]
    )

    def clean(self):
        data = super().clean()
        data["as_of"] = data.get("as_of") or timezone.localdate()
        return data


def _customer_name(row: dict) -> str:
    if row["customer__business_name"]:
        return row["customer__business_name"]
    return f"{row['customer__last_name']}, {row['customer__first_name']}".strip(", ")


def deposits_held_rows(filters: dict) -> list[dict]:
    """Each account's deposit held as of the day (minus its customer deposits lines), in account
    number order; lines tagged with no account make a row of their own so the total is the
    liability (two queries)."""
    lines = JournalLine.objects.filter(
        gl_account__purpose=Purpose.CUSTOMER_DEPOSITS, effective_date__lte=filters["as_of"]
    )
    if filters.get("customer_class"):
        lines = lines.filter(
            service_account_id__in=ServiceAccount.objects.filter(
                customer_class=filters["customer_class"]
            ).values("pk")
        )
    held = dict(
        lines.order_by()
        .values_list("service_account_id")
        .annotate(total=Sum("amount"))
        .filter(~Q(total=0))
    )
    untagged = held.pop(None, None)
    accounts = ServiceAccount.objects.filter(pk__in=list(held)).order_by("number").values(
        "id", "number", "customer_class", "status", "customer__business_name",
        "customer__last_name", "customer__first_name",
    )  # fmt: skip
    class_labels = dict(CLASSES.choices)
    status_labels = dict(ServiceAccount.Status.choices)
    rows = [
        {
            "account": f"{account['number'][:-1]}-{account['number'][-1]}",
            "customer": _customer_name(account),
            "customer_class": class_labels.get(account["customer_class"], ""),
            "status": status_labels.get(account["status"], account["status"]),
            "held": -held[account["id"]],
        }
        for account in accounts
    ]
    if untagged:
        rows.append({"account": UNTAGGED, "held": -untagged})
    return rows


def deposits_held_caption(filters: dict) -> str:
    scope = dict(CLASSES.choices).get(filters.get("customer_class"), "every")
    return f"Deposits held as of {filters['as_of']:%m/%d/%Y}, {scope.lower()} accounts"


DEPOSITS_HELD = Register(
    slug="deposits-held",
    title="Deposits held",
    description=(
        "What each account's deposit holds, from the customer deposits ledger account. With "
        "every class, the total is the liability on the trial balance."
    ),
    form=DepositsHeldForm,
    columns=(
        Column("Account", "account", customer_data=ACCOUNT_DATA),
        Column("Customer", "customer", customer_data=ACCOUNT_DATA),
        Column("Class", "customer_class"),
        Column("Account status", "status"),
        Column("Deposit held", "held", MONEY, total=True),
    ),
    rows=deposits_held_rows,
    caption=deposits_held_caption,
    order=30,
)


# -- aging at month ends -----------------------------------------------------------------------

AGING_CACHE_SECONDS = 60 * 60 * 24 * 400  # a closed month's aging holds; the key says when not
BUCKETS = (
    ("current", "Current"),
    ("days_30", "30–59 days"),
    ("days_60", "60–89 days"),
    ("days_90", "90–119 days"),
    ("days_120_plus", "120 days and over"),
)


class AgingTrendForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Months", coerce=int, required=False, empty_value=12,
        choices=[(6, "6 months"), (12, "12 months"), (24, "24 months")],
    )  # fmt: skip
    through = forms.DateField(
        label="Through the month of", required=False, widget=DATE_INPUT,
        help_text="The last month end shown (default: the last one past).",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        data["months"] = data.get("months") or 12
        return data


def month_ends(*, count: int, through: datetime.date | None = None) -> list[datetime.date]:
    """The last `count` month ends, oldest first: through the month of `through`, else the last
    month end already past."""
    if through is None:
        last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    else:
        last = (through.replace(day=1) + datetime.timedelta(days=32)).replace(
            day=1
        ) - datetime.timedelta(days=1)
    ends = [last]
    while len(ends) < count:
        ends.append(ends[-1].replace(day=1) - datetime.timedelta(days=1))
    return list(reversed(ends))


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = [_month_start(first)]
    while months[-1] < _month_start(last):
        months.append((months[-1] + datetime.timedelta(days=32)).replace(day=1))
    return months


def frozen_month_ends(ends: list[datetime.date]) -> dict[datetime.date, str]:
    """The month ends whose aging can no longer change, each with a version for the cache key.

    No journal may be dated in a closed month, so the aging at a month end is fixed when that
    month and every month before it back to the first dated line are closed. Reopening and
    closing a month again makes a new row (a higher id), which changes the version of its
    month end and of every later one (two queries)."""
    closed = dict(
        ClosedPeriod.objects.filter(reopened_at__isnull=True, month__lte=ends[-1]).values_list(
            "month", "pk"
        )
    )
    if not closed:
        return {}
    earliest = min(closed)
    if JournalLine.objects.filter(effective_date__lt=earliest).exists():
        return {}  # lines dated before the first closed month: an open month may still move
    frozen = {}
    for end in ends:
        months = _months_between(earliest, end)
        if all(month in closed for month in months):
            frozen[end] = f"{len(months)}.{max(closed[month] for month in months)}"
    return frozen


def _agings(ends: list[datetime.date]) -> dict[datetime.date, Aging]:
    """The district aging at each month end: closed months' from the cache (filled the first
    time), the others computed together (one aging statement for all of them)."""
    frozen = frozen_month_ends(ends)
    keys = {end: f"registers:aging:{end.isoformat()}:{frozen[end]}" for end in frozen}
    cached = cache.get_many(list(keys.values())) if keys else {}
    agings = {end: cached[keys[end]] for end in ends if keys.get(end) in cached}
    computed = district_agings([end for end in ends if end not in agings])
    agings.update(computed)
    fresh = {keys[end]: aging for end, aging in computed.items() if end in keys}
    if fresh:
        cache.set_many(fresh, timeout=AGING_CACHE_SECONDS)
    return agings


def aging_trend_rows(filters: dict) -> list[dict]:
    """The district's aging at each month end."""
    rows = []
    ends = month_ends(count=filters["months"], through=filters.get("through"))
    agings = _agings(ends)
    for end in ends:
        aging = agings[end]
        row = {"month": end.strftime("%b %Y"), "as_of": end, "total": aging.total}
        row.update({key: getattr(aging, key) for key, _label in BUCKETS})
        rows.append(row)
    return rows


AGING_TREND = Register(
    slug="aging-trend",
    title="Aging trend",
    description=(
        "What customers owe by age of the charge at each month end (balance forward: payments "
        "pay the oldest charges first); credit balances count in current."
    ),
    form=AgingTrendForm,
    columns=(
        Column("Month", "month"),
        Column("Month end", "as_of", DATE),
        *(Column(label, key, MONEY) for key, label in BUCKETS),
        Column("Total owed", "total", MONEY),
    ),
    rows=aging_trend_rows,
    caption=lambda filters: f"Aging at the last {filters['months']} month ends",
    chart=Chart(
        LINE,
        category="month",
        series=tuple(key for key, _ in BUCKETS),
        title="Receivables by age at each month end",
    ),  # fmt: skip
    order=40,
)

REGISTERS = (DEPOSITS_HELD, AGING_TREND)
