"""Writes of meters: receiving into stock, correcting the description, manual status moves.

Lock order, where several rows are locked: meters by primary key, then installations.
"""

from django.db import IntegrityError, transaction

from district.attribution import acting_user, refuse_unknown_fields
from district.errors import ServiceError
from district.transitions import transition
from field_ops.models import Meter
from field_ops.services.common import stripped

METER_FIELDS = ("serial", "make", "model", "size", "unit", "multiplier", "dials")


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
        raise ServiceError(errors)
    meter.full_clean(validate_unique=False)


def _meter_save(meter: Meter, by) -> None:
    try:
        with transaction.atomic(), acting_user(by):
            meter.save()
    except IntegrityError as error:
        if "serial" in str(error):
            raise ServiceError(
                {"serial": f"Meter {meter.serial} is already on record: check the serial."}
            ) from error
        raise


def _meter_fields_clean(fields: dict) -> dict:
    fields = stripped(fields)
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


# How a refusal names each move: "<meter> is retired: it cannot be returned to stock."
MOVE_VERBS = {
    Meter.Status.IN_STOCK: "returned to stock",
    Meter.Status.INSTALLED: "installed",
    Meter.Status.REMOVED: "removed",
    Meter.Status.IN_TEST: "sent to test",
    Meter.Status.RETIRED: "retired",
}


def meter_move(meter: Meter, to_status: str, *, field_name: str = "meter") -> None:
    """Change a locked meter's status along Meter.ALLOWED_TRANSITIONS, or refuse (not saved)."""
    transition(meter, to_status, verb=MOVE_VERBS[to_status], field=field_name)


# Moves a clerk makes by hand; installing and removing go through meter_install/meter_remove.
MANUAL_METER_STATUSES = (Meter.Status.IN_STOCK, Meter.Status.IN_TEST, Meter.Status.RETIRED)


@transaction.atomic
def meter_status_change(*, meter: Meter, to_status: str, by) -> Meter:
    """Send a meter that is not in the ground to stock, to test, or to retirement."""
    if to_status not in MANUAL_METER_STATUSES:
        raise ServiceError(
            {"to_status": "Install and remove meters with the install and remove forms."}
        )
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    meter_move(meter, to_status, field_name="to_status")
    with acting_user(by):
        meter.save(update_fields=["status"])
    return meter


def lock_meters(*meters: Meter) -> dict[int, Meter]:
    """Lock meters in primary-key order; returns the fresh rows by id."""
    ids = sorted({meter.pk for meter in meters})
    locked = Meter.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {meter.pk: meter for meter in locked}
