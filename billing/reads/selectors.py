"""The route read sheet, the route list and a period's read progress (fixed query counts)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, Value, When

from billing.calendar.services import cycles_for_routes, period_for_read, periods_near
from billing.models import BillingCycle, BillingPeriod
from billing.reads.context import (
    READ_POLICIES,
    PastRead,
    ReadContext,
    UsualUse,
    assess,
    flag_labels,
    read_contexts,
    shown_flags,
    usual_use,
)
from district.policies import policy_values
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise

# -- the route read sheet


@dataclass
class SheetRow:
    installation: MeterInstallation
    ctx: ReadContext
    usual: UsualUse | None
    saved_flags: list[str]
    # The answer to the reader's last Enter on this row (set by the view).
    typed: str = ""
    state: str = ""  # "", "saved", "confirm" or "error"
    messages: list[str] = field(default_factory=list)

    @property
    def meter(self) -> Meter:
        return self.installation.meter

    @property
    def premise(self) -> Premise:
        return self.installation.premise

    @property
    def previous(self) -> PastRead | None:
        return self.ctx.previous

    @property
    def saved(self) -> PastRead | None:
        return self.ctx.same_day

    @property
    def saved_flag_labels(self) -> list[str]:
        return flag_labels(self.saved_flags)

    # The answer to the last Enter, for the grid to show.
    @property
    def just_saved(self) -> bool:
        return self.state == "saved"

    @property
    def needs_confirmation(self) -> bool:
        return self.state == "confirm"

    @property
    def refused(self) -> bool:
        return self.state == "error"

    @property
    def needs_attention(self) -> bool:
        """Refused, or to check again: the reading field is marked invalid."""
        return self.state in {"error", "confirm"}


@dataclass
class RouteSheet:
    route: str
    on_date: datetime.date
    rows: list[SheetRow]
    cycle: BillingCycle | None
    period: BillingPeriod | None

    @property
    def outside_window(self) -> bool:
        period = self.period
        return period is not None and not (
            period.read_window_start <= self.on_date <= period.read_window_end
        )

    @property
    def saved_count(self) -> int:
        return sum(1 for row in self.rows if row.saved is not None)


def saved_flags(ctx: ReadContext, policies: dict) -> list[str]:
    saved = ctx.same_day
    if saved is None:
        return []
    try:
        return shown_flags(saved.flags, assess(ctx, saved.reading, policies))
    except ValidationError:  # an earlier read was corrected since: show what was stored
        return list(saved.flags)


def route_sheet(
    *, route: str, on_date: datetime.date, meter_ids: Iterable[int] | None = None
) -> RouteSheet:
    """The meters installed on the route that day, in read order, with their previous read,
    the reading their usual use makes plausible and the read already saved that day.
    A fixed number of queries however long the route."""
    installations = (
        MeterInstallation.objects.filter(premise__route=route, installed_on__lte=on_date)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on_date))
        .select_related("premise", "meter")
        .order_by("premise__read_sequence", "premise_id", "meter__serial")
    )
    if meter_ids is not None:
        installations = installations.filter(meter_id__in=list(meter_ids))
    installations = list(installations)
    contexts = read_contexts([(item.meter, on_date) for item in installations])
    policies = policy_values(*READ_POLICIES)
    rows = []
    for installation in installations:
        ctx = contexts[(installation.meter_id, on_date)]
        rows.append(
            SheetRow(
                installation=installation,
                ctx=ctx,
                usual=usual_use(ctx, policies),
                saved_flags=saved_flags(ctx, policies),
            )
        )
    period = next((row.ctx.period for row in rows if row.ctx.period), None)
    if period is None:
        period = period_for_read(
            periods_near(routes=[route], since=on_date, until=on_date)[route], on_date
        )
    cycle = period.cycle if period else cycles_for_routes([route]).get(route)
    return RouteSheet(route=route, on_date=on_date, rows=rows, cycle=cycle, period=period)


def route_read_count(*, route: str, on_date: datetime.date) -> tuple[int, int]:
    """(meters read on the date, meters installed) on the route that day, in one query: the read
    grid's "N of M" after each saved row, counted afresh so a colleague's reads show too."""
    counts = (
        installed_on_day(on_date)
        .filter(premise__route=route)
        .annotate(
            read_that_day=Exists(
                MeterRead.objects.filter(
                    meter_id=OuterRef("meter_id"), corrections__isnull=True, read_on=on_date
                )
            )
        )
        .aggregate(meters=Count("id"), read=Count("id", filter=Q(read_that_day=True)))
    )
    return counts["read"], counts["meters"]


@dataclass(frozen=True)
class RouteSummary:
    route: str
    meters: int
    read: int  # meters with a read from the window's start (or on the date, with no window)
    cycle: BillingCycle | None
    period: BillingPeriod | None


def installed_on_day(on_date: datetime.date):
    return MeterInstallation.objects.filter(installed_on__lte=on_date).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=on_date)
    )


def route_summaries(*, on_date: datetime.date) -> list[RouteSummary]:
    """Every route with meters installed, its cycle and read window near the date, and how many
    of its meters are read (four queries)."""
    routes = sorted(installed_on_day(on_date).values_list("premise__route", flat=True).distinct())
    if not routes:
        return []
    periods = periods_near(
        routes=routes,
        since=on_date - datetime.timedelta(days=62),
        until=on_date + datetime.timedelta(days=62),
    )
    chosen = {route: period_for_read(periods[route], on_date) for route in routes}
    cycles = cycles_for_routes(routes)
    # Per route: read since its window opened (else on the date itself).
    window_start = Case(
        *[
            When(premise__route=route, then=Value(period.read_window_start if period else on_date))
            for route, period in chosen.items()
        ],
        output_field=DateField(),
    )
    counts = (
        installed_on_day(on_date)
        .annotate(window_start=window_start)
        .annotate(
            has_read=Exists(
                MeterRead.objects.filter(
                    meter_id=OuterRef("meter_id"),
                    corrections__isnull=True,
                    read_on__gte=OuterRef("window_start"),
                )
            )
        )
        .values("premise__route")
        .annotate(meters=Count("id"), read=Count("id", filter=Q(has_read=True)))
        .order_by("premise__route")
    )
    return [
        RouteSummary(
            route=row["premise__route"],
            meters=row["meters"],
            read=row["read"],
            cycle=cycles.get(row["premise__route"]),
            period=chosen.get(row["premise__route"]),
        )
        for row in counts
    ]


# -- the reads of a period, and estimates for the missing ones


def period_installations(period: BillingPeriod):
    """The meters on the cycle's routes when its read window closes, with whether each was read
    from the window's start on (a late read still closes the period)."""
    return (
        installed_on_day(period.read_window_end)
        .filter(premise__route__in=period.cycle.routes)
        .annotate(
            has_read=Exists(
                MeterRead.objects.filter(
                    meter_id=OuterRef("meter_id"),
                    corrections__isnull=True,
                    read_on__gte=period.read_window_start,
                )
            )
        )
    )


@dataclass(frozen=True)
class PeriodProgress:
    meters: int
    read: int
    missing: list[MeterInstallation]  # the first `limit`, in route order

    @property
    def missing_count(self) -> int:
        return self.meters - self.read


def period_progress(period: BillingPeriod, *, limit: int = 100) -> PeriodProgress:
    """How many of the period's meters are read, and the first of those not read (2 queries)."""
    counts = period_installations(period).aggregate(
        meters=Count("id"), read=Count("id", filter=Q(has_read=True))
    )
    missing = list(
        period_installations(period)
        .filter(has_read=False)
        .select_related("premise", "meter")
        .order_by("premise__route", "premise__read_sequence", "meter__serial")[:limit]
    )
    return PeriodProgress(meters=counts["meters"], read=counts["read"], missing=missing)


def route_exists(route: str) -> bool:
    return Premise.objects.filter(route=route).exists()
