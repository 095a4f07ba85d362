"""What billing knows about a read: the meter's history, usual use, account and read window.

field_ops records a read (`read_record`: the number, the date, the install, the register's
rollover, its own flags). Billing knows what field_ops cannot: the period's read window, whether
an account is active at the premise, the meter's 12-month average and the same month last
year. `read_enter` checks those first, asks for a confirmation when a value looks wrong (high,
low, zero use on an active account, below the last read) and then calls `read_record`.

MeterRead rows are append-only and their flags are field_ops' own, so billing's findings are
worked out again when shown (`assess`, from the history before the read; deterministic) and a
confirmation is written into the read's note.

Usual use and the high/low rule are field_ops' (field_ops.high_low): the one rule that flags
a read when it is recorded is the one billing asks a confirmation with, tuned by the district's
`read-high-percent` and `read-low-percent` policies.
"""

import datetime
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.models import ServiceAccount
from billing.calendar.services import period_for_read, periods_near
from billing.models import BillingPeriod
from district.errors import ServiceError
from field_ops import high_low
from field_ops.high_low import (
    LOOKBACK_DAYS,
    READ_POLICIES,  # noqa: F401  (billing.reads reads it from here)
    UsualUse,
)
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise
from field_ops.readings import register_use

FLAG_OUTSIDE_WINDOW = "outside_window"
FLAG_LABELS = {
    **dict(MeterRead.Flag.choices),
    FLAG_OUTSIDE_WINDOW: "Outside read window",
}
# An account in these states takes water: no use at all there is worth a second look.
ACTIVE_STATUSES = (ServiceAccount.Status.ACTIVE, ServiceAccount.Status.PENDING_FINAL)
CENT = Decimal("0.01")
WHOLE = Decimal(1)


def _today() -> datetime.date:
    return timezone.localdate()


def flag_labels(flags: Iterable[str]) -> list[str]:
    return [FLAG_LABELS.get(flag, flag) for flag in flags]


# -- the context of a read


@dataclass(frozen=True)
class PastRead:
    id: int
    read_on: datetime.date
    reading: Decimal
    source: str
    flags: list[str]

    @property
    def is_estimate(self) -> bool:
        return self.source == MeterRead.Source.ESTIMATE


@dataclass
class ReadContext:
    """What billing knows about a meter on a read date: built by `read_contexts`."""

    meter: Meter
    read_on: datetime.date
    premise: Premise | None  # where the meter sat that day; None: not installed
    history: list[PastRead]  # reads that stand, dated before read_on, oldest first
    same_day: PastRead | None  # a read already standing on read_on
    later: PastRead | None  # the first read dated after read_on
    account_active: bool
    period: BillingPeriod | None  # the period the read belongs to (see period_for_read)

    @property
    def previous(self) -> PastRead | None:
        return self.history[-1] if self.history else None

    @property
    def outside_window(self) -> bool:
        period = self.period
        return period is not None and not (
            period.read_window_start <= self.read_on <= period.read_window_end
        )


def _installed_on(installations: list[MeterInstallation], on_date: datetime.date):
    for installation in installations:  # newest first
        if installation.installed_on <= on_date and (
            installation.removed_on is None or installation.removed_on >= on_date
        ):
            return installation
    return None


def read_contexts(
    meter_dates: list[tuple[Meter, datetime.date]],
) -> dict[tuple[int, datetime.date], ReadContext]:
    """{(meter id, date): ReadContext} for many meters and dates in a fixed number of queries:
    installations, reads, (older reads when needed), active accounts, billing periods."""
    if not meter_dates:
        return {}
    meters = {meter.pk: meter for meter, _ in meter_dates}
    dates = [on_date for _, on_date in meter_dates]
    installations: dict[int, list[MeterInstallation]] = {}
    for installation in (
        MeterInstallation.objects.filter(meter_id__in=meters)
        .select_related("premise")
        .order_by("-installed_on", "-id")
    ):
        installations.setdefault(installation.meter_id, []).append(installation)
    since = min(dates) - datetime.timedelta(days=LOOKBACK_DAYS)
    reads: dict[int, list[PastRead]] = {meter_id: [] for meter_id in meters}
    fields = ("meter_id", "id", "read_on", "reading", "source", "flags")
    standing = MeterRead.objects.filter(meter_id__in=meters, corrections__isnull=True)
    for meter_id, *values in (
        standing.filter(read_on__gte=since)
        .order_by("meter_id", "read_on", "id")
        .values_list(*fields)
    ):
        reads[meter_id].append(PastRead(*values))
    # A meter not read in the lookback: its last older read is still the previous one.
    unread = [meter_id for meter_id, found in reads.items() if not found]
    if unread:
        older = (
            standing.filter(meter_id__in=unread, read_on__lt=since)
            .order_by("meter_id", "-read_on", "-id")
            .distinct("meter_id")
            .values_list(*fields)
        )
        for meter_id, *values in older:
            reads[meter_id].append(PastRead(*values))
    placed = {
        key: _installed_on(installations.get(key[0], []), key[1])
        for key in {(meter.pk, on_date) for meter, on_date in meter_dates}
    }
    premises = {installation.premise_id for installation in placed.values() if installation}
    active = set(
        ServiceAccount.objects.filter(premise_id__in=premises, status__in=ACTIVE_STATUSES)
        .values_list("premise_id", flat=True)
        .distinct()
    )
    routes = {installation.premise.route for installation in placed.values() if installation}
    periods = periods_near(
        routes=sorted(routes),
        since=min(dates) - datetime.timedelta(days=62),
        until=max(dates) + datetime.timedelta(days=62),
    )
    read_dates = {meter_id: [read.read_on for read in found] for meter_id, found in reads.items()}
    contexts = {}
    for (meter_id, on_date), installation in placed.items():
        meter_reads, dates_read = reads[meter_id], read_dates[meter_id]
        # Reads are in date order: split them around the date (a file may hold many per meter).
        before, after = bisect_left(dates_read, on_date), bisect_right(dates_read, on_date)
        premise = installation.premise if installation else None
        contexts[(meter_id, on_date)] = ReadContext(
            meter=meters[meter_id],
            read_on=on_date,
            premise=premise,
            history=meter_reads[:before],
            same_day=meter_reads[before] if before < after else None,
            later=meter_reads[after] if after < len(meter_reads) else None,
            account_active=premise is not None and premise.pk in active,
            period=period_for_read(periods.get(premise.route, []), on_date) if premise else None,
        )
    return contexts


# -- usual use and the assessment of a reading


def daily_average(ctx: ReadContext) -> Decimal | None:
    """Register units a day over the reads that ended in the 365 days before the read."""
    return high_low.daily_average(ctx.history, ctx.read_on, dials=ctx.meter.dials)


def daily_last_year(ctx: ReadContext) -> Decimal | None:
    """Register units a day in the read period that covered the same date last year."""
    return high_low.daily_last_year(ctx.history, ctx.read_on, dials=ctx.meter.dials)


def usual_use(ctx: ReadContext, policies: dict) -> UsualUse | None:
    """The use expected since the previous read (None without history to judge by)."""
    return high_low.usual_use(ctx.history, ctx.read_on, meter=ctx.meter, policies=policies)


@dataclass
class Assessment:
    consumption: Decimal | None = None  # register units since the previous read
    flags: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)  # why it asks for a confirmation
    judged_use: bool = False  # high/low were judged against a baseline
    usual: UsualUse | None = None


def number_text(value: Decimal) -> str:
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.2f}"


def check_can_record(ctx: ReadContext) -> None:
    """Refusals that do not depend on the value: not installed, future, duplicate, out of order."""
    meter, on_date = ctx.meter, ctx.read_on
    if on_date > _today():
        raise ServiceError({"read_on": "A read cannot be dated in the future."})
    if ctx.premise is None:
        raise ServiceError(
            {"read_on": f"Meter {meter.serial} was not installed on {on_date:%m/%d/%Y}."}
        )
    if ctx.same_day is not None:
        raise ServiceError(
            {
                "reading": f"Meter {meter.serial} already has a read on {on_date:%m/%d/%Y} "
                f"({number_text(ctx.same_day.reading)}). To change it, correct that read."
            }
        )
    if ctx.later is not None:
        raise ServiceError(
            {
                "read_on": f"Meter {meter.serial} was read later, on {ctx.later.read_on:%m/%d/%Y}; "
                "a new read cannot be dated before it. To fix an earlier read, correct it."
            }
        )


def assess(ctx: ReadContext, reading: Decimal, policies: dict) -> Assessment:
    """Flags and concerns of a reading against the meter's history and the billing calendar.

    Refuses (ServiceError) only a reading below the last one that cannot be a rollover.
    """
    assessment = Assessment()
    if ctx.outside_window:
        assessment.flags.append(FLAG_OUTSIDE_WINDOW)
    previous = ctx.previous
    if previous is None:
        return assessment
    used = register_use(previous.reading, reading, dials=ctx.meter.dials)
    if used is None:
        raise ServiceError(
            {
                "reading": f"{number_text(reading)} is below the last read of meter "
                f"{ctx.meter.serial} ({number_text(previous.reading)} on "
                f"{previous.read_on:%m/%d/%Y}) and is not a register rollover. "
                "Check the reading."
            }
        )
    consumption, rolled = used
    assessment.consumption = consumption
    if rolled:
        assessment.flags.append(MeterRead.Flag.ROLLOVER)
        assessment.concerns.append(
            f"Below the last read ({number_text(previous.reading)} on {previous.read_on:%m/%d/%Y}): "
            f"save it only if the {ctx.meter.dials}-dial register rolled over past "
            f"{number_text(Decimal(10) ** ctx.meter.dials - 1)}."
        )
    if consumption == 0:
        assessment.flags.append(MeterRead.Flag.ZERO)
        if ctx.account_active:
            assessment.concerns.append(
                f"No use since {previous.read_on:%m/%d/%Y} on an active account."
            )
        return assessment
    usual = usual_use(ctx, policies)
    assessment.usual = usual
    if usual is None:
        return assessment
    assessment.judged_use = True
    used_since = f"{number_text(consumption)} used since {previous.read_on:%m/%d/%Y}"
    plausible = (
        f"usual use puts the reading between {number_text(usual.low_reading)} and "
        f"{number_text(usual.high_reading)}"
    )
    flag = high_low.high_or_low(consumption, usual)
    if flag == MeterRead.Flag.HIGH:
        assessment.flags.append(flag)
        assessment.concerns.append(f"High: {used_since}; {plausible}.")
    elif flag == MeterRead.Flag.LOW:
        assessment.flags.append(flag)
        assessment.concerns.append(f"Low: {used_since}; {plausible}.")
    return assessment


def shown_flags(stored: Iterable[str], assessment: Assessment) -> list[str]:
    """The flags to show for a read: field_ops' own, with billing's high/low (judged against
    the 12-month average and last year) in place of field_ops' where billing could judge."""
    replaced = {MeterRead.Flag.HIGH, MeterRead.Flag.LOW} if assessment.judged_use else set()
    flags = [flag for flag in stored if flag not in replaced]
    return flags + [flag for flag in assessment.flags if flag not in flags]
