"""Billing cycles and the billing calendar: the services that write them and the reads of them.

A cycle is a group of read routes billed together, monthly or every two months. Its periods
are generated ahead of time by one documented rule (`period_dates`):

- a period runs one month (or two) from its start day (the 1st to the 28th, so every month
  has it) to the day before the same day of the next period;
- the read window is the last `read-window-days` days of the period, widened by
  `read-window-tolerance-days` on both sides (5 and 2: from 6 days before the period ends to
  2 days after it);
- the bill date is `bill-days-after-period-end` days after the period ends, and never before
  the read window has closed;
- the due date is the cycle's `due_days` after the bill date.

Generating again is a no-op for the periods already there (one period per cycle and start day,
a database constraint). Existing periods keep their dates when a policy or the cycle changes.
"""

import datetime
import logging
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from billing.models import BillingCycle, BillingPeriod
from district.attribution import acting_user, refuse_unknown_fields
from district.errors import ServiceError, require
from district.policies import policy_values
from district.roles import Perm
from district.transitions import transition
from field_ops.models import Premise

# The policies this module reads, as the district starts with them (district/reference_data.py
# seeds the same rows; supervisors change them on the policies page).
# (key, label, category, value_type, value, description)
CALENDAR_POLICIES = (
    "read-window-days",
    "read-window-tolerance-days",
    "bill-days-after-period-end",
)
logger = logging.getLogger(__name__)
MONTHS_PER_PERIOD = {BillingCycle.Frequency.MONTHLY: 1, BillingCycle.Frequency.BIMONTHLY: 2}
# One generation covers at most three years of monthly periods (a mistyped year stays small).
MAX_PERIODS_PER_RUN = 36
LATEST_START_DAY = 28
CYCLE_FIELDS = ("code", "name", "frequency", "routes", "due_days", "is_active")
CYCLE_EDITABLE_FIELDS = ("name", "frequency", "routes", "due_days", "is_active")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months later (the day must exist in every month: 1 to 28)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + years, month=month_index + 1)


@dataclass(frozen=True)
class PeriodDates:
    period_start: datetime.date
    period_end: datetime.date
    read_window_start: datetime.date
    read_window_end: datetime.date
    bill_date: datetime.date
    due_date: datetime.date


def period_dates(
    *, cycle: BillingCycle, period_start: datetime.date, policies: dict
) -> PeriodDates:
    """The dates of the period of `cycle` starting on `period_start` (the rule in the docstring)."""
    day = datetime.timedelta(days=1)
    period_end = add_months(period_start, MONTHS_PER_PERIOD[cycle.frequency]) - day
    window_days = max(1, policies["read-window-days"])
    tolerance = policies["read-window-tolerance-days"]
    read_window_start = period_end - (window_days - 1 + tolerance) * day
    read_window_end = period_end + tolerance * day
    bill_date = max(
        period_end + policies["bill-days-after-period-end"] * day, read_window_end + day
    )
    return PeriodDates(
        period_start=period_start,
        period_end=period_end,
        read_window_start=max(read_window_start, period_start),
        read_window_end=read_window_end,
        bill_date=bill_date,
        due_date=bill_date + cycle.due_days * day,
    )


# -- cycles


def _routes_clean(routes) -> list[str]:
    if isinstance(routes, str):
        routes = routes.replace(",", " ").split()
    cleaned = []
    for route in routes or []:
        route = str(route).strip()
        if route and route not in cleaned:
            cleaned.append(route)
    return sorted(cleaned)


def _cycle_validate(cycle: BillingCycle) -> None:
    errors: dict[str, list[str]] = {}
    cycle.code = (cycle.code or "").strip().upper()
    cycle.name = (cycle.name or "").strip()
    if not cycle.code:
        errors.setdefault("code", []).append("Enter the cycle's code (e.g. 01 or M1).")
    elif not cycle.code.replace("-", "").isalnum():
        errors.setdefault("code", []).append("A cycle code has letters, digits and dashes only.")
    if cycle.frequency not in BillingCycle.Frequency.values:
        errors.setdefault("frequency", []).append("Choose monthly or every two months.")
    if not cycle.routes and cycle.is_active:
        errors.setdefault("routes", []).append("An active cycle bills at least one route.")
    known = set(Premise.objects.filter(route__in=cycle.routes).values_list("route", flat=True))
    unknown = [route for route in cycle.routes if route not in known]
    if unknown:
        errors.setdefault("routes", []).append(
            f"No premise is on route {', '.join(unknown)}: check the route code."
        )
    if cycle.is_active and cycle.routes:
        # Cycles are locked (all, by primary key) by the caller, so two edits cannot both
        # take the same route.
        overlapping = (
            BillingCycle.objects.filter(is_active=True, routes__overlap=cycle.routes)
            .exclude(pk=cycle.pk)
            .order_by("code")
        )
        for other in overlapping:
            shared = sorted(set(other.routes) & set(cycle.routes))
            errors.setdefault("routes", []).append(
                f"Route {', '.join(shared)} is already billed in cycle {other.code}: "
                "take it out of that cycle first."
            )
    if errors:
        raise ServiceError(errors)
    try:
        cycle.full_clean(exclude=["routes"])
    except ValidationError as error:
        if (
            "code" in error.message_dict
            and BillingCycle.objects.filter(code=cycle.code).exclude(pk=cycle.pk).exists()
        ):
            raise ServiceError({"code": f"Cycle {cycle.code} already exists."}) from None
        raise ServiceError(error.message_dict) from None


def _lock_cycles() -> None:
    # Small table; locked whole so the one-route-one-cycle check holds under concurrency.
    list(BillingCycle.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def cycle_create(*, by, **fields) -> BillingCycle:
    """Create a billing cycle (code, name, frequency, routes, due_days, is_active)."""
    require(by, Perm.RUN_BILLING, doing="set up billing cycles")
    refuse_unknown_fields(fields, CYCLE_FIELDS)
    _lock_cycles()
    fields["routes"] = _routes_clean(fields.get("routes"))
    cycle = BillingCycle(**fields)
    _cycle_validate(cycle)
    try:
        with transaction.atomic(), acting_user(by):
            cycle.save()
    except IntegrityError as error:  # created by someone else a moment ago
        raise ServiceError({"code": f"Cycle {cycle.code} already exists."}) from error
    return cycle


@transaction.atomic
def cycle_update(*, cycle: BillingCycle, by, **fields) -> BillingCycle:
    """Change a cycle's name, frequency, routes, due days or active flag (not its code:
    accounts name their cycle by it). Periods already generated keep their dates."""
    require(by, Perm.RUN_BILLING, doing="change billing cycles")
    refuse_unknown_fields(fields, CYCLE_EDITABLE_FIELDS)
    _lock_cycles()
    cycle = BillingCycle.objects.get(pk=cycle.pk)
    if "routes" in fields:
        fields["routes"] = _routes_clean(fields["routes"])
    for name, value in fields.items():
        setattr(cycle, name, value)
    _cycle_validate(cycle)
    with acting_user(by):
        cycle.save()
    return cycle


# -- periods


def _first_of_this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


@transaction.atomic
def periods_generate(
    *, cycle: BillingCycle, through: datetime.date, by, start: datetime.date | None = None
) -> list[BillingPeriod]:
    """Create the cycle's periods that start on or before `through`; returns the new ones.

    Without `start` the periods continue after the cycle's last one (or from the first of this
    month for a new cycle). Periods already there are left as they are.
    """
    require(by, Perm.RUN_BILLING, doing="generate billing periods")
    cycle = BillingCycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle.is_active:
        raise ServiceError(f"Cycle {cycle.code} is inactive: make it active first.")
    if start is not None and start.day > LATEST_START_DAY:
        raise ServiceError(
            {"start": "Start periods on a day from the 1st to the 28th, so every month has it."}
        )
    existing = list(cycle.periods.order_by("period_start"))
    continuing = start is None
    if continuing:
        start = existing[-1].period_end + datetime.timedelta(days=1) if existing else None
        start = start or _first_of_this_month()
        if start.day > LATEST_START_DAY:
            start = add_months(start.replace(day=1), 1)
    if through < start:
        if continuing and existing:
            return []  # the periods already reach past `through`: nothing to add
        raise ServiceError({"through": "The end date is before the first period starts."})
    policies = policy_values(*CALENDAR_POLICIES)
    starts = []
    period_start = start
    while period_start <= through:
        starts.append(period_start)
        if len(starts) > MAX_PERIODS_PER_RUN:
            raise ServiceError(
                {
                    "through": f"At most {MAX_PERIODS_PER_RUN} periods at a time: pick an earlier date."
                }
            )
        period_start = add_months(period_start, MONTHS_PER_PERIOD[cycle.frequency])
    by_start = {period.period_start: period for period in existing}
    created = []
    for period_start in starts:
        if period_start in by_start:
            continue
        dates = period_dates(cycle=cycle, period_start=period_start, policies=policies)
        clash = next(
            (
                period
                for period in existing
                if period.period_start <= dates.period_end
                and period.period_end >= dates.period_start
            ),
            None,
        )
        if clash is not None:
            raise ServiceError(
                {
                    "start": f"A period from {dates.period_start:%m/%d/%Y} would overlap the "
                    f"cycle's period {clash.period_start:%m/%d/%Y} to "
                    f"{clash.period_end:%m/%d/%Y}. Start after {clash.period_end:%m/%d/%Y}."
                }
            )
        period, was_created = BillingPeriod.objects.get_or_create(
            cycle=cycle, period_start=period_start, defaults=asdict(dates)
        )
        if was_created:
            created.append(period)
            existing.append(period)
    return created


def _period_move(*, period: BillingPeriod, to_status: str, by) -> BillingPeriod:
    period = BillingPeriod.objects.select_for_update().select_related("cycle").get(pk=period.pk)
    if not period.can_move_to(to_status):
        what = (
            f"The bill run of cycle {period.cycle.code} for {period.period_start:%m/%d/%Y} to "
            f"{period.period_end:%m/%d/%Y}"
        )
        if period.status == BillingPeriod.Status.BILLED:
            raise ServiceError(f"{what} has billed: its schedule cannot change.")
        if period.status == BillingPeriod.Status.SCHEDULED:
            raise ServiceError(f"{what} is already scheduled.")
        raise ServiceError(f"{what} is not scheduled.")
    transition(period, to_status)
    period.scheduled_by = by if to_status == BillingPeriod.Status.SCHEDULED else None
    period.auto_start_problem = ""  # scheduled anew: the nightly start tries it again
    period.save(update_fields=["status", "scheduled_by", "auto_start_problem"])
    # BillingPeriod keeps who scheduled, not when: the log line keeps the time.
    logger.info(
        "Bill run of period %s (%s) is now %s, by %s",
        period.pk,
        period,
        to_status,
        by.get_username() if by is not None else "-",
    )
    return period


@transaction.atomic
def period_schedule(*, period: BillingPeriod, by) -> BillingPeriod:
    """Mark the period's bill run as scheduled (by whom; the bill run picks it up later)."""
    require(by, Perm.RUN_BILLING, doing="schedule bill runs")
    return _period_move(period=period, to_status=BillingPeriod.Status.SCHEDULED, by=by)


@transaction.atomic
def period_unschedule(*, period: BillingPeriod, by) -> BillingPeriod:
    """Take a scheduled bill run off the schedule (before it has billed)."""
    require(by, Perm.RUN_BILLING, doing="schedule bill runs")
    return _period_move(period=period, to_status=BillingPeriod.Status.PLANNED, by=by)


# -- selectors


@dataclass(frozen=True)
class CycleRow:
    cycle: BillingCycle
    period_count: int
    last_period_end: datetime.date | None


def cycle_list() -> list[CycleRow]:
    """Every cycle with how far its calendar reaches (one query)."""
    cycles = BillingCycle.objects.annotate(
        period_count=Count("periods"), last_period_end=Max("periods__period_end")
    ).order_by("code")
    return [CycleRow(cycle, cycle.period_count, cycle.last_period_end) for cycle in cycles]


def cycle_periods(cycle: BillingCycle) -> list[BillingPeriod]:
    return list(cycle.periods.select_related("scheduled_by").order_by("period_start"))


@dataclass
class CalendarMonth:
    month: datetime.date  # the first day
    periods: list[BillingPeriod] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.month.strftime("%B %Y")


def calendar_months(*, first_month: datetime.date, months: int = 3) -> list[CalendarMonth]:
    """Per month (of the period's end), each active cycle's period: one query."""
    first_month = first_month.replace(day=1)
    firsts = [add_months(first_month, offset) for offset in range(months)]
    after_last = add_months(first_month, months)
    periods = (
        BillingPeriod.objects.filter(
            period_end__gte=first_month, period_end__lt=after_last, cycle__is_active=True
        )
        .select_related("cycle", "scheduled_by")
        .order_by("period_end", "cycle__code")
    )
    by_month = {first: CalendarMonth(first) for first in firsts}
    for period in periods:
        by_month[period.period_end.replace(day=1)].periods.append(period)
    return list(by_month.values())


def period_detail(period_id: int) -> BillingPeriod:
    return BillingPeriod.objects.select_related("cycle", "scheduled_by").get(pk=period_id)


def periods_near(*, routes: list[str], since: datetime.date, until: datetime.date):
    """{route: [periods of its active cycle overlapping since..until]} (one query)."""
    periods = (
        BillingPeriod.objects.filter(
            cycle__is_active=True,
            cycle__routes__overlap=list(routes),
            read_window_end__gte=since,
            read_window_start__lte=until,
        )
        .select_related("cycle")
        .order_by("period_start")
    )
    wanted = set(routes)
    by_route: dict[str, list[BillingPeriod]] = {route: [] for route in wanted}
    for period in periods:
        for route in set(period.cycle.routes) & wanted:
            by_route[route].append(period)
    return by_route


def period_for_read(periods: list[BillingPeriod], on_date: datetime.date):
    """The period a read on `on_date` belongs to: the one whose read window holds the date,
    else the one whose window is nearest (the read is then outside its window); or None."""
    best, best_distance = None, None
    for period in periods:
        if period.read_window_start <= on_date <= period.read_window_end:
            return period
        distance = min(
            abs((period.read_window_start - on_date).days),
            abs((on_date - period.read_window_end).days),
        )
        if best_distance is None or distance < best_distance:
            best, best_distance = period, distance
    return best


def cycles_for_routes(routes: list[str]) -> dict[str, BillingCycle]:
    """{route: its active cycle} (one query)."""
    cycles = BillingCycle.objects.filter(is_active=True, routes__overlap=list(routes))
    return {route: cycle for cycle in cycles for route in cycle.routes if route in set(routes)}
