"""Writes of meter reads: recording a reading and correcting one.

A reading is checked against the reads before it (dated in order, not backwards unless the
register rolled over) and flagged for review where it looks unusual: rollover, zero use, and
high or low by the district's one rule (field_ops.high_low).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from district.attribution import acting_user
from district.errors import ServiceError
from field_ops.high_low import LOOKBACK_DAYS, high_or_low, usual_use
from field_ops.models import Meter, MeterInstallation, MeterRead
from field_ops.readings import reading_parse, register_use
from field_ops.services.common import today
from field_ops.services.meters import lock_meters

# -- the checks shared by new reads, corrections and meter changes


@dataclass
class Assessment:
    consumption: Decimal | None = None  # register units since the previous read
    flags: list[str] = field(default_factory=list)


def standing_reads(meter: Meter, *, before: MeterRead | None = None):
    """Reads that stand, newest first; with `before`, only those earlier than that read."""
    reads = MeterRead.objects.filter(meter=meter, corrections__isnull=True).order_by(
        "-read_on", "-id"
    )
    if before is not None:
        reads = reads.exclude(pk=before.pk).filter(
            Q(read_on__lt=before.read_on) | Q(read_on=before.read_on, id__lt=before.pk)
        )
    return reads


def _backwards_message(meter: Meter, reading: Decimal, previous: MeterRead) -> str:
    return (
        f"{reading:,} is lower than the last read of meter {meter.serial} "
        f"({previous.reading:,} on {previous.read_on:%m/%d/%Y}) and is not a register rollover. "
        "Check the reading, or correct the earlier read."
    )


def read_history(
    meter: Meter, read_on: datetime.date, *, before: MeterRead | None = None
) -> list[MeterRead]:
    """The reads that stand before a reading, oldest first: LOOKBACK_DAYS of them (what the
    high/low rule needs), or at least the previous read. With `before`: those before that read."""
    reads = standing_reads(meter, before=before)
    recent = list(reads.filter(read_on__gte=read_on - datetime.timedelta(days=LOOKBACK_DAYS)))
    if not recent:
        recent = list(reads[:1])
    return recent[::-1]


def assess_reading(
    meter: Meter, read_on: datetime.date, reading: Decimal, history: list[MeterRead]
) -> Assessment:
    """Consumption and flags of a reading against the reads before it (oldest first)."""
    assessment = Assessment()
    if not history:
        return assessment
    previous = history[-1]
    used = register_use(previous.reading, reading, dials=meter.dials)
    if used is None:
        raise ServiceError({"reading": _backwards_message(meter, reading, previous)})
    consumption, rolled = used
    assessment.consumption = consumption
    if rolled:
        assessment.flags.append(MeterRead.Flag.ROLLOVER)
    if consumption == 0:
        assessment.flags.append(MeterRead.Flag.ZERO)
        return assessment
    usual = usual_use(history, read_on, meter=meter)
    flag = high_or_low(consumption, usual)
    if flag:
        assessment.flags.append(flag)
    return assessment


def check_read_date(meter: Meter, read_on: datetime.date, *, field_name: str = "read_on"):
    if read_on > today():
        raise ServiceError({field_name: "A read cannot be dated in the future."})
    installed = (
        MeterInstallation.objects.filter(meter=meter, installed_on__lte=read_on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=read_on))
        .exists()
    )
    if not installed:
        raise ServiceError(
            {field_name: f"Meter {meter.serial} was not installed on {read_on:%m/%d/%Y}."}
        )


def check_not_before(last: MeterRead | None, on_date: datetime.date, field_name: str) -> None:
    if last is not None and on_date < last.read_on:
        raise ServiceError(
            {
                field_name: f"The last read of this meter is dated {last.read_on:%m/%d/%Y}; "
                "a new one cannot be dated before it. To fix an earlier read, correct it."
            }
        )


def flags_with(base: list[str], *extra: str) -> list[str]:
    flags = list(base)
    for flag in extra:
        if flag and flag not in flags:
            flags.append(flag)
    return flags


# -- recording and correcting reads


@transaction.atomic
def read_record(
    *, meter: Meter, read_on: datetime.date, reading, source: str, by, note: str = ""
) -> MeterRead:
    """Record a reading of a meter's register, flagged for review where it looks unusual."""
    meter = lock_meters(meter)[meter.pk]
    if source not in MeterRead.Source.values:
        raise ServiceError({"source": "Choose where the reading came from."})
    reading = reading_parse(reading, meter=meter)
    check_read_date(meter, read_on)
    history = read_history(meter, read_on)
    check_not_before(history[-1] if history else None, read_on, "read_on")
    assessment = assess_reading(meter, read_on, reading, history)
    estimated = MeterRead.Flag.ESTIMATED if source == MeterRead.Source.ESTIMATE else None
    read = MeterRead(
        meter=meter,
        read_on=read_on,
        reading=reading,
        source=source,
        flags=flags_with(assessment.flags, estimated),
        note=(note or "").strip(),
        entered_by=by,
    )
    read.full_clean()
    with acting_user(by):
        read.save()
    return read


@transaction.atomic
def read_correct(
    *, read: MeterRead, reading, by, reason: str, source: str | None = None
) -> MeterRead:
    """Replace a read with a corrected one; the old read stays, marked as superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the read is corrected (e.g. misread digit)."})
    meter = lock_meters(read.meter)[read.meter_id]
    read = MeterRead.objects.select_for_update().get(pk=read.pk)
    later_correction = (
        MeterRead.objects.filter(supersedes=read).select_related("entered_by").first()
    )
    if later_correction is not None:
        raise ServiceError(
            {
                "reading": "This read was already corrected (to "
                f"{later_correction.reading:,} on {later_correction.entered_at:%m/%d/%Y}); "
                "correct the newest read instead."
            }
        )
    source = source or read.source
    if source not in MeterRead.Source.values:
        raise ServiceError({"source": "Choose where the reading came from."})
    reading = reading_parse(reading, meter=meter)
    history = read_history(meter, read.read_on, before=read)
    assessment = assess_reading(meter, read.read_on, reading, history)
    following = (
        standing_reads(meter)
        .exclude(pk=read.pk)
        .filter(Q(read_on__gt=read.read_on) | Q(read_on=read.read_on, id__gt=read.pk))
        .order_by("read_on", "id")
        .first()
    )
    if (
        following is not None
        and register_use(reading, following.reading, dials=meter.dials) is None
    ):
        raise ServiceError(
            {
                "reading": f"{reading:,} is higher than the next read "
                f"({following.reading:,} on {following.read_on:%m/%d/%Y}); correct that one too, "
                "newest last."
            }
        )
    kept = [flag for flag in read.flags if flag == MeterRead.Flag.METER_CHANGE]
    estimated = MeterRead.Flag.ESTIMATED if source == MeterRead.Source.ESTIMATE else None
    correction = MeterRead(
        meter=meter,
        read_on=read.read_on,
        reading=reading,
        source=source,
        flags=flags_with(kept + assessment.flags, estimated, MeterRead.Flag.CORRECTED),
        note=reason[:200],
        entered_by=by,
        supersedes=read,
    )
    correction.full_clean(validate_unique=False)
    try:
        with transaction.atomic(), acting_user(by):
            correction.save()
    except IntegrityError as error:
        if "meter_read_corrected_once" in str(error):
            raise ServiceError(
                {"reading": "This read was just corrected by someone else; reload the meter."}
            ) from error
        raise
    return correction
