"""Entering a read after billing's checks, and estimating the reads a period is missing."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from billing.models import BillingCycle, BillingPeriod
from billing.reads.context import (
    CENT,
    FLAG_LABELS,
    READ_POLICIES,
    WHOLE,
    Assessment,
    ReadContext,
    assess,
    check_can_record,
    daily_average,
    daily_last_year,
    flag_labels,
    number_text,
    read_contexts,
    shown_flags,
)
from billing.reads.selectors import period_installations
from district.errors import ServiceError, require
from district.policies import policy_values
from district.roles import Perm
from field_ops.models import Meter, MeterRead
from field_ops.readings import reading_parse
from field_ops.services.reads import read_record

NOTE_LENGTH = 200


def _today() -> datetime.date:
    return timezone.localdate()


# -- entering a read


class ReadNeedsConfirmation(ServiceError):
    """The reading looks wrong (high, low, zero, below the last): nothing was saved."""

    def __init__(self, assessment: Assessment):
        super().__init__({"reading": assessment.concerns})
        self.assessment = assessment


@dataclass(frozen=True)
class ReadEntry:
    read: MeterRead
    flags: list[str]
    consumption: Decimal | None

    @property
    def flag_labels(self) -> list[str]:
        return flag_labels(self.flags)


CONFIRMABLE_FLAGS = (
    MeterRead.Flag.HIGH,
    MeterRead.Flag.LOW,
    MeterRead.Flag.ZERO,
    MeterRead.Flag.ROLLOVER,
)


def note_with(note: str, ctx: ReadContext, assessment: Assessment, confirmed: bool) -> str:
    """What billing saw that the read's flags cannot hold, then the reader's note (cut to fit)."""
    parts = []
    if confirmed and assessment.concerns:
        checked = [
            FLAG_LABELS[flag].lower() for flag in assessment.flags if flag in CONFIRMABLE_FLAGS
        ]
        parts.append(f"Confirmed by the reader: {', '.join(checked)}.")
    if ctx.outside_window:
        period = ctx.period
        parts.append(
            f"Outside the read window {period.read_window_start:%m/%d/%Y} to "
            f"{period.read_window_end:%m/%d/%Y}."
        )
    parts.append((note or "").strip())
    return " ".join(part for part in parts if part)[:NOTE_LENGTH]


@transaction.atomic
def read_enter(
    *,
    meter: Meter,
    read_on: datetime.date,
    reading,
    source: str,
    by,
    note: str = "",
    confirmed: bool = False,
) -> ReadEntry:
    """Record a reading after billing's checks; an unusual value needs `confirmed=True`.

    Refused (ServiceError, nothing written): not a number, not installed that day, in the
    future, a second read on the same day, dated before a later read, below the last read and
    not a register rollover. Needs a confirmation (ReadNeedsConfirmation, nothing written):
    high, low, zero use on an active account, a rollover. Flagged and saved: outside the read
    window.
    """
    require(by, Perm.ENTER_READS, doing="enter meter reads")
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    value = reading_parse(reading, meter=meter)
    ctx = read_contexts([(meter, read_on)])[(meter.pk, read_on)]
    check_can_record(ctx)
    assessment = assess(ctx, value, policy_values(*READ_POLICIES))
    if assessment.concerns and not confirmed:
        raise ReadNeedsConfirmation(assessment)
    read = read_record(
        meter=meter,
        read_on=read_on,
        reading=value,
        source=source,
        by=by,
        note=note_with(note, ctx, assessment, confirmed),
    )
    return ReadEntry(
        read=read, flags=shown_flags(read.flags, assessment), consumption=assessment.consumption
    )


@dataclass(frozen=True)
class EstimateResult:
    created: list[MeterRead]
    not_estimated: list[tuple[Meter, str]]  # meters left for a field read, and why


def _daily_for_estimate(ctx: ReadContext) -> tuple[Decimal, str] | None:
    average = daily_average(ctx)
    if average is not None:
        return average, "the 12-month average"
    last_year = daily_last_year(ctx)
    if last_year is not None:
        return last_year, "the same month last year"
    return None


@transaction.atomic
def reads_estimate_missing(*, cycle: BillingCycle, period: BillingPeriod, by) -> EstimateResult:
    """Estimate the reads the period is missing, dated the period's last day, from each meter's
    usual daily use (source estimate, flag estimated). The next actual read trues the use up:
    the next period's use is that read minus the estimated reading. Running it again estimates
    nothing twice (an estimated meter has its read)."""
    require(by, Perm.RUN_BILLING, doing="estimate missing reads")
    period = BillingPeriod.objects.select_for_update().select_related("cycle").get(pk=period.pk)
    if period.cycle_id != cycle.pk:
        raise ServiceError("This period belongs to another billing cycle.")
    if period.status == BillingPeriod.Status.BILLED:
        raise ServiceError("This period is billed: its reads can only be corrected.")
    if period.read_window_end >= _today():
        raise ServiceError(
            f"The read window is open until {period.read_window_end:%m/%d/%Y}: "
            "estimate the missing reads after it closes."
        )
    missing = list(
        period_installations(period)
        .filter(has_read=False)
        .select_related("meter")
        .order_by("meter_id")
    )
    meters = list(
        Meter.objects.select_for_update()
        .filter(pk__in=[item.meter_id for item in missing])
        .order_by("pk")
    )
    read_on = period.period_end
    contexts = read_contexts([(meter, read_on) for meter in meters])
    created, not_estimated = [], []
    for meter in meters:
        ctx = contexts[(meter.pk, read_on)]
        daily = _daily_for_estimate(ctx)
        previous = ctx.previous
        read_meanwhile = (
            ctx.same_day or ctx.later or (previous and previous.read_on >= period.read_window_start)
        )
        if read_meanwhile:  # read while the list was drawn up (the meter is locked now)
            continue
        if ctx.premise is None:
            not_estimated.append((meter, f"not installed on {read_on:%m/%d/%Y}"))
            continue
        if previous is None or daily is None:
            not_estimated.append((meter, "no use history to estimate from"))
            continue
        rate, basis = daily
        days = (read_on - previous.read_on).days
        reading = (previous.reading + rate * days).quantize(WHOLE, rounding=ROUND_HALF_UP)
        capacity = Decimal(10) ** meter.dials
        if reading >= capacity:
            reading -= capacity  # the register rolls over
        created.append(
            read_record(
                meter=meter,
                read_on=read_on,
                reading=reading,
                source=MeterRead.Source.ESTIMATE,
                by=by,
                note=f"Estimated from {basis} ({number_text(rate.quantize(CENT))} a day) "
                f"for {cycle.code} {period.period_start:%m/%d/%Y} to {period.period_end:%m/%d/%Y}.",
            )
        )
    return EstimateResult(created=created, not_estimated=not_estimated)
