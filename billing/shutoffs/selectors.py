"""Reads of the shut-off area: a day's list, an account's disconnection, the annual report."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from billing.shutoffs.eligibility import RESIDENTIAL_CLASSES
from billing.shutoffs.models import Disconnection, ShutoffList, ShutoffListEntry
from field_ops.models import WorkOrder


def shutoff_list_for(day: datetime.date) -> ShutoffList | None:
    return ShutoffList.objects.select_related("prepared_by", "approved_by").filter(date=day).first()


def list_entries(shutoff_list: ShutoffList) -> list[ShutoffListEntry]:
    """Every entry with its account and premise (one query), listed and ordered first."""
    return list(
        shutoff_list.entries.select_related("account__customer", "account__premise").order_by(
            "status", "account__number"
        )
    )


def recent_lists(limit: int = 10) -> list[ShutoffList]:
    return list(
        ShutoffList.objects.annotate(
            listed=Count("entries", filter=Q(entries__status__in=["listed", "ordered"])),
            removed=Count("entries", filter=Q(entries__status__in=["removed", "cancelled"])),
        ).order_by("-date")[:limit]
    )


def work_orders_by_id(ids) -> dict[int, WorkOrder]:
    return WorkOrder.objects.in_bulk([order_id for order_id in ids if order_id])


def account_disconnection(account_id: int) -> Disconnection | None:
    """The account's latest disconnection (open ones first), with its reconnect order."""
    return (
        Disconnection.objects.select_related("reconnect_order", "work_order")
        .filter(account_id=account_id)
        .order_by(F("reconnected_at").desc(nulls_first=True), "-shut_off_at")
        .first()
    )


# -- the annual report (Health & Safety Code 116920) ---------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # the first of the month
    notices: int | None  # None: the notices are not recorded in this system
    shutoffs: int
    reconnections: int
    average_days_to_reconnect: Decimal | None


@dataclass(frozen=True)
class AnnualReport:
    year: int
    residential_discontinuations: int
    months: list[MonthRow]

    @property
    def total_shutoffs(self) -> int:
        return sum(row.shutoffs for row in self.months)

    @property
    def total_reconnections(self) -> int:
        return sum(row.reconnections for row in self.months)

    @property
    def total_notices(self) -> int | None:
        if any(row.notices is None for row in self.months):
            return None
        return sum(row.notices for row in self.months)


def _notices_by_month(year: int) -> dict[int, int] | None:
    """Disconnection notices issued per month (billing.collections keeps them)."""
    try:
        notice_model = apps.get_model("collections", "DisconnectionNotice")
    except LookupError:
        return None
    return dict(
        notice_model.objects.filter(issued_on__year=year)
        .annotate(month=ExtractMonth("issued_on"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )


def annual_report(year: int) -> AnnualReport:
    """Residential discontinuations for non-payment in a calendar year, and the monthly
    notices, shut-offs, reconnections and average days to reconnect (four queries)."""
    residential = Disconnection.objects.filter(account__customer_class__in=RESIDENTIAL_CLASSES)
    shutoffs = dict(
        residential.filter(shut_off_at__year=year)
        .annotate(month=ExtractMonth("shut_off_at"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    reconnected = residential.filter(reconnected_at__year=year).values_list(
        "reconnected_at", "shut_off_at"
    )
    reconnections: dict[int, list[float]] = {}
    for reconnected_at, shut_off_at in reconnected:
        month = timezone.localtime(reconnected_at).month
        days = Decimal((reconnected_at - shut_off_at).total_seconds()) / Decimal(86400)
        reconnections.setdefault(month, []).append(days)
    notices = _notices_by_month(year)
    months = []
    for month in range(1, 13):
        durations = reconnections.get(month, [])
        average = (
            (sum(durations) / len(durations)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if durations
            else None
        )
        months.append(
            MonthRow(
                month=datetime.date(year, month, 1),
                notices=None if notices is None else notices.get(month, 0),
                shutoffs=shutoffs.get(month, 0),
                reconnections=len(durations),
                average_days_to_reconnect=average,
            )
        )
    return AnnualReport(
        year=year, residential_discontinuations=sum(shutoffs.values()), months=months
    )


def lists_awaiting_approval(today: datetime.date) -> list[ShutoffList]:
    """Draft lists for today or later, each with how many accounts it lists (one query)."""
    return list(
        ShutoffList.objects.filter(status=ShutoffList.Status.DRAFT, date__gte=today)
        .annotate(listed=Count("entries", filter=Q(entries__status="listed")))
        .select_related("prepared_by")
        .order_by("date")
    )
