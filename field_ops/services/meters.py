"""Writes of the physical network: premises, meters, installations and reads.

Every function takes the acting user (`by`), validates with messages a counter clerk understands
(keyed by the form field they belong to), locks what it changes and returns the result.
Lock order, where several rows are locked: meters by primary key, then installations.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from district.attribution import acting_user, refuse_unknown_fields
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise
from field_ops.readings import reading_parse, register_use

PREMISE_FIELDS = (
    "house_number",
    "street",
    "unit",
    "city",
    "state",
    "zip_code",
    "cross_street",
    "apn",
    "tract",
    "lot",
    "map_book",
    "map_page",
    "route",
    "read_sequence",
    "latitude",
    "longitude",
    "premise_type",
    "dwelling_units",
    "meter_location_notes",
    "owner_name",
    "owner_mailing_address",
)
METER_FIELDS = ("serial", "make", "model", "size", "unit", "multiplier", "dials")

# A reading lower than the previous one is a register rollover only when the use it implies
# (reading + 10**dials - previous) is under this share of the register's range; anything more
# is a mistyped or swapped read.
# High/low flags compare this period's daily use with the average of the last periods.
HIGH_LOW_PERIODS = 6
HIGH_LOW_MIN_PERIODS = 2
HIGH_FACTOR = Decimal(2)
LOW_FACTOR = Decimal("0.5")
# Below this expected use (in billing units, HCF) a swing is noise: no low flag, and a high
# flag only above twice this amount.
HIGH_LOW_FLOOR_HCF = Decimal(2)
CENT = Decimal("0.01")


def _stripped(fields: dict) -> dict:
    return {
        name: re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value
        for name, value in fields.items()
    }


def _today() -> datetime.date:
    return timezone.localdate()


# -- premises


def normalise_apn(typed: str) -> str:
    """8 digits, with or without dashes -> the printed form 123-456-78; anything else as typed."""
    typed = (typed or "").strip()
    digits = re.sub(r"[\s-]", "", typed)
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return typed


def _premise_clean_fields(fields: dict) -> dict:
    fields = _stripped(fields)
    if "apn" in fields:
        fields["apn"] = normalise_apn(fields["apn"])
    for name in ("state", "route"):
        if fields.get(name):
            fields[name] = fields[name].upper()
    return fields


def _premise_validate(premise: Premise) -> None:
    errors = {}
    if premise.premise_type == Premise.PremiseType.MULTI_FAMILY and (
        premise.dwelling_units is None or premise.dwelling_units < 2
    ):
        errors["dwelling_units"] = "A multi-family premise has at least two dwelling units."
    if premise.latitude is not None and not -90 <= premise.latitude <= 90:
        errors["latitude"] = "Latitude is between -90 and 90 degrees."
    if premise.longitude is not None and not -180 <= premise.longitude <= 180:
        errors["longitude"] = "Longitude is between -180 and 180 degrees."
    if (premise.latitude is None) != (premise.longitude is None):
        errors.setdefault("longitude", "Enter both latitude and longitude, or neither.")
    if errors:
        raise ValidationError(errors)
    premise.full_clean()


@transaction.atomic
def premise_create(*, by, **fields) -> Premise:
    """Record a new service location."""
    refuse_unknown_fields(fields, PREMISE_FIELDS)
    premise = Premise(**_premise_clean_fields(fields))
    _premise_validate(premise)
    with acting_user(by):
        premise.save()
    return premise


@transaction.atomic
def premise_update(*, premise: Premise, by, **fields) -> Premise:
    """Change a premise's description (address, parcel, route, type)."""
    refuse_unknown_fields(fields, PREMISE_FIELDS)
    premise = Premise.objects.select_for_update().get(pk=premise.pk)
    for name, value in _premise_clean_fields(fields).items():
        setattr(premise, name, value)
    _premise_validate(premise)
    with acting_user(by):
        premise.save()
    return premise


# -- meters


def _meter_validate(meter: Meter) -> None:
    errors = {}
    if not meter.serial:
        errors["serial"] = "Enter the serial number printed on the meter."
    elif Meter.objects.filter(serial__iexact=meter.serial).exclude(pk=meter.pk).exists():
        errors["serial"] = f"Meter {meter.serial} is already on record: check the serial."
    if meter.dials is not None and not 3 <= meter.dials <= 10:
        errors["dials"] = "A register has between 3 and 10 dials."
    if meter.multiplier is not None and meter.multiplier <= 0:
        errors["multiplier"] = "The multiplier is a positive number (1 for most meters)."
    if errors:
        raise ValidationError(errors)
    meter.full_clean(validate_unique=False)


def _meter_save(meter: Meter, by) -> None:
    try:
        with transaction.atomic(), acting_user(by):
            meter.save()
    except IntegrityError as error:
        if "serial" in str(error):
            raise ValidationError(
                {"serial": f"Meter {meter.serial} is already on record: check the serial."}
            ) from error
        raise


def _meter_fields_clean(fields: dict) -> dict:
    fields = _stripped(fields)
    if "serial" in fields:
        fields["serial"] = (fields["serial"] or "").replace(" ", "").upper()
    return fields


@transaction.atomic
def meter_create(*, by, **fields) -> Meter:
    """Receive a meter into stock."""
    refuse_unknown_fields(fields, METER_FIELDS)
    meter = Meter(**_meter_fields_clean(fields), status=Meter.Status.IN_STOCK)
    _meter_validate(meter)
    _meter_save(meter, by)
    return meter


@transaction.atomic
def meter_update(*, meter: Meter, by, **fields) -> Meter:
    """Correct a meter's description (serial, make, size, register)."""
    refuse_unknown_fields(fields, METER_FIELDS)
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    for name, value in _meter_fields_clean(fields).items():
        setattr(meter, name, value)
    _meter_validate(meter)
    _meter_save(meter, by)
    return meter


def _meter_move(meter: Meter, to_status: str, *, field_name: str = "meter") -> None:
    """Change a locked meter's status along Meter.ALLOWED_TRANSITIONS, or refuse."""
    if to_status not in Meter.ALLOWED_TRANSITIONS.get(meter.status, set()):
        raise ValidationError(
            {
                field_name: f"Meter {meter.serial} is {meter.get_status_display().lower()}; "
                f"it cannot become {Meter.Status(to_status).label.lower()}."
            }
        )
    meter.status = to_status


# Moves a clerk makes by hand; installing and removing go through meter_install/meter_remove.
MANUAL_METER_STATUSES = (Meter.Status.IN_STOCK, Meter.Status.IN_TEST, Meter.Status.RETIRED)


@transaction.atomic
def meter_status_change(*, meter: Meter, to_status: str, by) -> Meter:
    """Send a meter that is not in the ground to stock, to test, or to retirement."""
    if to_status not in MANUAL_METER_STATUSES:
        raise ValidationError(
            {"to_status": "Install and remove meters with the install and remove forms."}
        )
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    _meter_move(meter, to_status, field_name="to_status")
    with acting_user(by):
        meter.save(update_fields=["status"])
    return meter


def _lock_meters(*meters: Meter) -> dict[int, Meter]:
    """Lock meters in primary-key order; returns the fresh rows by id."""
    ids = sorted({meter.pk for meter in meters})
    locked = Meter.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {meter.pk: meter for meter in locked}


# -- reads: the checks shared by new reads, corrections and meter changes


@dataclass
class _Assessment:
    consumption: Decimal | None = None  # register units since the previous read
    flags: list[str] = field(default_factory=list)


def _standing_reads(meter: Meter, *, before: MeterRead | None = None):
    """Reads that stand, newest first; with `before`, only those earlier than that read."""
    reads = MeterRead.objects.filter(meter=meter, superseded_by__isnull=True).order_by(
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


def _assess(meter: Meter, read_on: datetime.date, reading: Decimal, history: list[MeterRead]):
    """Consumption and flags of a reading against the reads before it (newest first)."""
    assessment = _Assessment()
    if not history:
        return assessment
    previous = history[0]
    used = register_use(previous.reading, reading, dials=meter.dials)
    if used is None:
        raise ValidationError({"reading": _backwards_message(meter, reading, previous)})
    consumption, rolled = used
    assessment.consumption = consumption
    if rolled:
        assessment.flags.append(MeterRead.Flag.ROLLOVER)
    if consumption == 0:
        assessment.flags.append(MeterRead.Flag.ZERO)
        return assessment
    flag = _high_or_low(meter, read_on, consumption, history)
    if flag:
        assessment.flags.append(flag)
    return assessment


def _high_or_low(meter, read_on, consumption, history) -> str | None:
    """HIGH above twice the usual daily use, LOW under half of it (over the last 6 periods)."""
    days = (read_on - history[0].read_on).days
    periods = list(zip(history[:-1], history[1:], strict=False))[:HIGH_LOW_PERIODS]
    used_total, days_total, counted = Decimal(0), 0, 0
    for later, earlier in periods:
        period_days = (later.read_on - earlier.read_on).days
        used = register_use(earlier.reading, later.reading, dials=meter.dials)
        if period_days <= 0 or used is None:
            continue
        used_total += used[0]
        days_total += period_days
        counted += 1
    if days <= 0 or counted < HIGH_LOW_MIN_PERIODS or days_total == 0:
        return None
    expected = used_total / days_total * days  # register units over this period's length
    floor = HIGH_LOW_FLOOR_HCF / meter.multiplier  # the floor in register units
    if consumption > HIGH_FACTOR * max(expected, floor):
        return MeterRead.Flag.HIGH
    if expected >= floor and consumption < LOW_FACTOR * expected:
        return MeterRead.Flag.LOW
    return None


def _check_read_date(meter: Meter, read_on: datetime.date, *, field_name: str = "read_on"):
    if read_on > _today():
        raise ValidationError({field_name: "A read cannot be dated in the future."})
    installed = (
        MeterInstallation.objects.filter(meter=meter, installed_on__lte=read_on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=read_on))
        .exists()
    )
    if not installed:
        raise ValidationError(
            {field_name: f"Meter {meter.serial} was not installed on {read_on:%m/%d/%Y}."}
        )


def _check_not_before(last: MeterRead | None, on_date: datetime.date, field_name: str) -> None:
    if last is not None and on_date < last.read_on:
        raise ValidationError(
            {
                field_name: f"The last read of this meter is dated {last.read_on:%m/%d/%Y}; "
                "a new one cannot be dated before it. To fix an earlier read, correct it."
            }
        )


def _flags_with(base: list[str], *extra: str) -> list[str]:
    flags = list(base)
    for flag in extra:
        if flag and flag not in flags:
            flags.append(flag)
    return flags


# -- installations


@transaction.atomic
def meter_install(
    *, meter: Meter, premise: Premise, installed_on: datetime.date, reading, by
) -> MeterInstallation:
    """Set a meter from stock at a premise, recording the install reading."""
    meter = _lock_meters(meter)[meter.pk]
    premise = Premise.objects.get(pk=premise.pk)
    if meter.status == Meter.Status.INSTALLED:
        where = MeterInstallation.objects.filter(meter=meter, removed_on__isnull=True).first()
        at = f" at {where.premise}" if where else ""
        raise ValidationError({"meter": f"Meter {meter.serial} is already installed{at}."})
    if meter.status != Meter.Status.IN_STOCK:
        raise ValidationError(
            {
                "meter": f"Meter {meter.serial} is {meter.get_status_display().lower()}; "
                "only a meter in stock can be installed."
            }
        )
    if installed_on > _today():
        raise ValidationError({"installed_on": "The install date cannot be in the future."})
    last_removal = (
        MeterInstallation.objects.filter(meter=meter, removed_on__isnull=False)
        .order_by("-removed_on")
        .values_list("removed_on", flat=True)
        .first()
    )
    if last_removal and installed_on < last_removal:
        raise ValidationError(
            {
                "installed_on": f"Meter {meter.serial} was removed from its last premise on "
                f"{last_removal:%m/%d/%Y}; it cannot be installed before then."
            }
        )
    reading = reading_parse(reading, meter=meter)
    last = _standing_reads(meter).first()
    _check_not_before(last, installed_on, "installed_on")
    if last is not None and reading < last.reading:
        raise ValidationError(
            {
                "reading": f"{reading:,} is lower than the meter's last read "
                f"({last.reading:,} on {last.read_on:%m/%d/%Y}). Check the register."
            }
        )
    installation = MeterInstallation(
        meter=meter,
        premise=premise,
        installed_on=installed_on,
        install_reading=reading,
        installed_by=by,
    )
    installation.full_clean(validate_constraints=False)
    _meter_move(meter, Meter.Status.INSTALLED)
    try:
        with transaction.atomic(), acting_user(by):
            installation.save()
            meter.save(update_fields=["status"])
            MeterRead.objects.create(
                meter=meter,
                read_on=installed_on,
                reading=reading,
                source=MeterRead.Source.FIELD_ORDER,
                flags=[MeterRead.Flag.METER_CHANGE],
                note=f"Install reading at {premise}",
                entered_by=by,
            )
    except IntegrityError as error:
        if "meter_installed_once" in str(error):
            raise ValidationError(
                {"meter": f"Meter {meter.serial} is already installed somewhere else."}
            ) from error
        raise
    return installation


@transaction.atomic
def meter_remove(
    *, installation: MeterInstallation, removed_on: datetime.date, reading, by
) -> MeterInstallation:
    """Take a meter out of a premise, recording the removal reading."""
    meter = _lock_meters(installation.meter)[installation.meter_id]
    installation = (
        MeterInstallation.objects.select_for_update()
        .select_related("premise")
        .get(pk=installation.pk)
    )
    if installation.removed_on is not None:
        raise ValidationError(
            {
                "removed_on": f"Meter {meter.serial} was already removed from "
                f"{installation.premise} on {installation.removed_on:%m/%d/%Y}."
            }
        )
    if removed_on > _today():
        raise ValidationError({"removed_on": "The removal date cannot be in the future."})
    if removed_on < installation.installed_on:
        raise ValidationError(
            {
                "removed_on": "The removal date cannot be before the install date "
                f"({installation.installed_on:%m/%d/%Y})."
            }
        )
    reading = reading_parse(reading, meter=meter)
    history = list(_standing_reads(meter)[: HIGH_LOW_PERIODS + 1])
    _check_not_before(history[0] if history else None, removed_on, "removed_on")
    assessment = _assess(meter, removed_on, reading, history)
    installation.removed_on = removed_on
    installation.removal_reading = reading
    _meter_move(meter, Meter.Status.REMOVED)
    with acting_user(by):
        installation.save(update_fields=["removed_on", "removal_reading"])
        meter.save(update_fields=["status"])
        MeterRead.objects.create(
            meter=meter,
            read_on=removed_on,
            reading=reading,
            source=MeterRead.Source.FIELD_ORDER,
            flags=_flags_with(assessment.flags, MeterRead.Flag.METER_CHANGE),
            note=f"Removal reading at {installation.premise}",
            entered_by=by,
        )
    return installation


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(name, name): messages for name, messages in error.error_dict.items()}
    )


@transaction.atomic
def meter_exchange(
    *,
    premise: Premise,
    old_meter: Meter,
    old_reading,
    new_meter: Meter,
    new_reading,
    on_date: datetime.date,
    by,
) -> MeterInstallation:
    """Swap the meter at a premise: remove the old one and set the new one, both or neither."""
    if old_meter.pk == new_meter.pk:
        raise ValidationError({"new_meter": "The new meter must be a different meter."})
    _lock_meters(old_meter, new_meter)
    installation = MeterInstallation.objects.filter(
        meter=old_meter, premise=premise, removed_on__isnull=True
    ).first()
    if installation is None:
        raise ValidationError(
            {"old_meter": f"Meter {old_meter.serial} is not installed at {premise}."}
        )
    try:
        meter_remove(installation=installation, removed_on=on_date, reading=old_reading, by=by)
    except ValidationError as error:
        raise _renamed(
            error, {"reading": "old_reading", "removed_on": "on_date", "meter": "old_meter"}
        ) from error
    try:
        return meter_install(
            meter=new_meter, premise=premise, installed_on=on_date, reading=new_reading, by=by
        )
    except ValidationError as error:
        raise _renamed(
            error, {"reading": "new_reading", "installed_on": "on_date", "meter": "new_meter"}
        ) from error


# -- reads


@transaction.atomic
def read_record(
    *, meter: Meter, read_on: datetime.date, reading, source: str, by, note: str = ""
) -> MeterRead:
    """Record a reading of a meter's register, flagged for review where it looks unusual."""
    meter = _lock_meters(meter)[meter.pk]
    if source not in MeterRead.Source.values:
        raise ValidationError({"source": "Choose where the reading came from."})
    reading = reading_parse(reading, meter=meter)
    _check_read_date(meter, read_on)
    history = list(_standing_reads(meter)[: HIGH_LOW_PERIODS + 1])
    _check_not_before(history[0] if history else None, read_on, "read_on")
    assessment = _assess(meter, read_on, reading, history)
    estimated = MeterRead.Flag.ESTIMATED if source == MeterRead.Source.ESTIMATE else None
    read = MeterRead(
        meter=meter,
        read_on=read_on,
        reading=reading,
        source=source,
        flags=_flags_with(assessment.flags, estimated),
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
        raise ValidationError({"reason": "Say why the read is corrected (e.g. misread digit)."})
    meter = _lock_meters(read.meter)[read.meter_id]
    read = MeterRead.objects.select_for_update().get(pk=read.pk)
    later_correction = (
        MeterRead.objects.filter(supersedes=read).select_related("entered_by").first()
    )
    if later_correction is not None:
        raise ValidationError(
            {
                "reading": "This read was already corrected (to "
                f"{later_correction.reading:,} on {later_correction.entered_at:%m/%d/%Y}); "
                "correct the newest read instead."
            }
        )
    source = source or read.source
    if source not in MeterRead.Source.values:
        raise ValidationError({"source": "Choose where the reading came from."})
    reading = reading_parse(reading, meter=meter)
    history = list(_standing_reads(meter, before=read)[: HIGH_LOW_PERIODS + 1])
    assessment = _assess(meter, read.read_on, reading, history)
    following = (
        _standing_reads(meter)
        .exclude(pk=read.pk)
        .filter(Q(read_on__gt=read.read_on) | Q(read_on=read.read_on, id__gt=read.pk))
        .order_by("read_on", "id")
        .first()
    )
    if (
        following is not None
        and register_use(reading, following.reading, dials=meter.dials) is None
    ):
        raise ValidationError(
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
        flags=_flags_with(kept + assessment.flags, estimated, MeterRead.Flag.CORRECTED),
        note=reason[:200],
        entered_by=by,
        supersedes=read,
    )
    correction.full_clean(validate_unique=False)
    try:
        with transaction.atomic(), acting_user(by):
            correction.save()
    except IntegrityError as error:
        if "supersedes" in str(error):
            raise ValidationError(
                {"reading": "This read was just corrected by someone else; reload the meter."}
            ) from error
        raise
    return correction
