"""Field reports: the open-order backlog by age, completions per technician per day, and how
long each type of order takes from request to completion.

Each report is one SQL aggregate; the rows come back as plain dataclasses that the page
and the CSV export share (`*_csv` give the header and rows for csv.writer).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from field_ops.models import WorkOrder

# Age of an open order: whole days since the day it was requested for (a backlog counts
# from when the work was wanted, not from when the order was typed). (key, label, from, to).
AGE_BUCKETS = (
    ("days_0_2", "0–2 days", 0, 2),
    ("days_3_7", "3–7 days", 3, 7),
    ("days_8_14", "8–14 days", 8, 14),
    ("days_15_30", "15–30 days", 15, 30),
    ("days_over_30", "Over 30 days", 31, None),
)
NOT_DUE = ("not_due", "Not yet due")  # requested for a later day
BACKLOG_COLUMNS = (NOT_DUE[0], *(key for key, *_ in AGE_BUCKETS))
BACKLOG_LABELS = (NOT_DUE[1], *(label for _, label, *_ in AGE_BUCKETS))
MAX_RANGE_DAYS = 366
TYPE_LABELS = dict(WorkOrder.Type.choices)
SECONDS_PER_HOUR = Decimal(3600)
TENTH = Decimal("0.1")


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _csv_safe(value):
    """A cell a spreadsheet will not run as a formula (names are typed by people)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


# -- backlog


@dataclass(frozen=True)
class BacklogRow:
    order_type: str
    label: str
    counts: tuple[int, ...]  # in BACKLOG_COLUMNS order

    @property
    def total(self) -> int:
        return sum(self.counts)


def _bucket(today: datetime.date, oldest_days: int, newest_days: int | None) -> Q:
    """Requested between `newest_days` and `oldest_days` days ago (inclusive)."""
    condition = Q(requested_date__lte=today - datetime.timedelta(days=oldest_days))
    if newest_days is not None:
        condition &= Q(requested_date__gte=today - datetime.timedelta(days=newest_days))
    return condition


def open_backlog(*, today: datetime.date | None = None) -> tuple[list[BacklogRow], BacklogRow]:
    """Open orders of each type by age bucket (one query), and the totals row."""
    today = today or timezone.localdate()
    buckets = {NOT_DUE[0]: Count("id", filter=Q(requested_date__gt=today))}
    for key, _label, low, high in AGE_BUCKETS:
        buckets[key] = Count("id", filter=_bucket(today, low, high))
    found = {
        row["order_type"]: row
        for row in WorkOrder.objects.filter(status__in=WorkOrder.OPEN_STATUSES)
        .order_by()
        .values("order_type")
        .annotate(**buckets)
    }
    rows = [
        BacklogRow(
            order_type=order_type,
            label=label,
            counts=tuple(found[order_type][key] for key in BACKLOG_COLUMNS),
        )
        for order_type, label in WorkOrder.Type.choices
        if order_type in found
    ]
    totals = BacklogRow(
        order_type="",
        label="All types",
        counts=tuple(
            sum(row.counts[index] for row in rows) for index in range(len(BACKLOG_COLUMNS))
        ),
    )
    return rows, totals


def open_backlog_csv(*, today: datetime.date | None = None) -> tuple[list[str], list[list]]:
    rows, totals = open_backlog(today=today)
    header = ["Type", *BACKLOG_LABELS, "Total"]
    return header, [[row.label, *row.counts, row.total] for row in [*rows, totals]]


# -- completed per technician per day


@dataclass(frozen=True)
class CompletedRow:
    technician_id: int | None
    technician: str
    day: datetime.date
    completed: int


def _local_day_bounds(start: datetime.date, end: datetime.date):
    """Aware datetimes from the start of `start` to the start of the day after `end`."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    last = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, last


def _completed_between(start: datetime.date, end: datetime.date):
    first, last = _local_day_bounds(start, end)
    return WorkOrder.objects.filter(
        status=WorkOrder.Status.COMPLETED, completed_at__gte=first, completed_at__lt=last
    )


def _person(first_name: str | None, last_name: str | None, username: str | None) -> str:
    if username is None:
        return "Not recorded"
    return f"{first_name or ''} {last_name or ''}".strip() or username


def completed_per_technician(*, start: datetime.date, end: datetime.date) -> list[CompletedRow]:
    """Orders completed by each person on each day (district time) in the range; one query."""
    found = (
        _completed_between(start, end)
        .annotate(day=TruncDate("completed_at"))
        .order_by()
        .values(
            "completed_by_id",
            "completed_by__first_name",
            "completed_by__last_name",
            "completed_by__username",
            "day",
        )
        .annotate(completed=Count("id"))
    )
    rows = [
        CompletedRow(
            technician_id=row["completed_by_id"],
            technician=_person(
                row["completed_by__first_name"],
                row["completed_by__last_name"],
                row["completed_by__username"],
            ),
            day=row["day"],
            completed=row["completed"],
        )
        for row in found
    ]
    return sorted(rows, key=lambda row: (row.technician.lower(), row.technician_id or 0, row.day))


def completed_per_technician_csv(*, start, end) -> tuple[list[str], list[list]]:
    rows = completed_per_technician(start=start, end=end)
    header = ["Technician", "Day", "Completed"]
    return header, [[_csv_safe(row.technician), row.day.isoformat(), row.completed] for row in rows]


# -- time from request to completion


@dataclass(frozen=True)
class TurnaroundRow:
    order_type: str
    label: str
    completed: int
    average: datetime.timedelta
    longest: datetime.timedelta
    on_time: int  # completed on or before the requested day

    @property
    def average_hours(self) -> Decimal:
        return _tenths(Decimal(self.average.total_seconds()) / SECONDS_PER_HOUR)

    @property
    def average_days(self) -> Decimal:
        return _tenths(Decimal(self.average.total_seconds()) / SECONDS_PER_HOUR / 24)

    @property
    def longest_days(self) -> Decimal:
        return _tenths(Decimal(self.longest.total_seconds()) / SECONDS_PER_HOUR / 24)

    @property
    def on_time_percent(self) -> Decimal:
        return (
            _tenths(Decimal(100 * self.on_time) / self.completed) if self.completed else Decimal(0)
        )


def turnaround_by_type(*, start: datetime.date, end: datetime.date) -> list[TurnaroundRow]:
    """For orders completed in the range: how long from creation to completion, by type.

    One query.
    """
    elapsed = ExpressionWrapper(F("completed_at") - F("created_at"), output_field=DurationField())
    found = (
        _completed_between(start, end)
        .annotate(completed_day=TruncDate("completed_at"))
        .order_by()
        .values("order_type")
        .annotate(
            completed=Count("id"),
            average=Avg(elapsed),
            longest=Max(elapsed),
            on_time=Count("id", filter=Q(completed_day__lte=F("requested_date"))),
        )
    )
    by_type = {row["order_type"]: row for row in found}
    return [
        TurnaroundRow(
            order_type=order_type,
            label=label,
            completed=by_type[order_type]["completed"],
            average=by_type[order_type]["average"],
            longest=by_type[order_type]["longest"],
            on_time=by_type[order_type]["on_time"],
        )
        for order_type, label in WorkOrder.Type.choices
        if order_type in by_type
    ]


def turnaround_by_type_csv(*, start, end) -> tuple[list[str], list[list]]:
    rows = turnaround_by_type(start=start, end=end)
    header = [
        "Type",
        "Completed",
        "Average hours",
        "Average days",
        "Longest days",
        "On time",
        "On time percent",
    ]
    return header, [
        [
            row.label,
            row.completed,
            row.average_hours,
            row.average_days,
            row.longest_days,
            row.on_time,
            row.on_time_percent,
        ]
        for row in rows
    ]
