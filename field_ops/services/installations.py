"""Writes of installations: setting a meter at a premise, taking it out, exchanging it.

Each records the reading at the register (install, removal) as a read. Lock order: meters by
primary key, then installations.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from district.attribution import acting_user
from district.errors import ServiceError
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise
from field_ops.readings import reading_parse
from field_ops.services.common import today
from field_ops.services.meters import lock_meters, meter_move
from field_ops.services.reads import (
    assess_reading,
    check_not_before,
    flags_with,
    read_history,
    standing_reads,
)


@transaction.atomic
def meter_install(
    *, meter: Meter, premise: Premise, installed_on: datetime.date, reading, by
) -> MeterInstallation:
    """Set a meter from stock at a premise, recording the install reading."""
    meter = lock_meters(meter)[meter.pk]
    premise = Premise.objects.get(pk=premise.pk)
    if meter.status == Meter.Status.INSTALLED:
        where = MeterInstallation.objects.filter(meter=meter, removed_on__isnull=True).first()
        at = f" at {where.premise}" if where else ""
        raise ServiceError({"meter": f"Meter {meter.serial} is already installed{at}."})
    if meter.status != Meter.Status.IN_STOCK:
        raise ServiceError(
            {
                "meter": f"Meter {meter.serial} is {meter.get_status_display().lower()}; "
                "only a meter in stock can be installed."
            }
        )
    if installed_on > today():
        raise ServiceError({"installed_on": "The install date cannot be in the future."})
    last_removal = (
        MeterInstallation.objects.filter(meter=meter, removed_on__isnull=False)
        .order_by("-removed_on")
        .values_list("removed_on", flat=True)
        .first()
    )
    if last_removal and installed_on < last_removal:
        raise ServiceError(
            {
                "installed_on": f"Meter {meter.serial} was removed from its last premise on "
                f"{last_removal:%m/%d/%Y}; it cannot be installed before then."
            }
        )
    reading = reading_parse(reading, meter=meter)
    last = standing_reads(meter).first()
    check_not_before(last, installed_on, "installed_on")
    if last is not None and reading < last.reading:
        raise ServiceError(
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
    meter_move(meter, Meter.Status.INSTALLED)
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
            raise ServiceError(
                {"meter": f"Meter {meter.serial} is already installed somewhere else."}
            ) from error
        raise
    return installation


@transaction.atomic
def meter_remove(
    *, installation: MeterInstallation, removed_on: datetime.date, reading, by
) -> MeterInstallation:
    """Take a meter out of a premise, recording the removal reading."""
    meter = lock_meters(installation.meter)[installation.meter_id]
    installation = (
        MeterInstallation.objects.select_for_update()
        .select_related("premise")
        .get(pk=installation.pk)
    )
    if installation.removed_on is not None:
        raise ServiceError(
            {
                "removed_on": f"Meter {meter.serial} was already removed from "
                f"{installation.premise} on {installation.removed_on:%m/%d/%Y}."
            }
        )
    if removed_on > today():
        raise ServiceError({"removed_on": "The removal date cannot be in the future."})
    if removed_on < installation.installed_on:
        raise ServiceError(
            {
                "removed_on": "The removal date cannot be before the install date "
                f"({installation.installed_on:%m/%d/%Y})."
            }
        )
    reading = reading_parse(reading, meter=meter)
    history = read_history(meter, removed_on)
    check_not_before(history[-1] if history else None, removed_on, "removed_on")
    assessment = assess_reading(meter, removed_on, reading, history)
    installation.removed_on = removed_on
    installation.removal_reading = reading
    meter_move(meter, Meter.Status.REMOVED)
    with acting_user(by):
        installation.save(update_fields=["removed_on", "removal_reading"])
        meter.save(update_fields=["status"])
        MeterRead.objects.create(
            meter=meter,
            read_on=removed_on,
            reading=reading,
            source=MeterRead.Source.FIELD_ORDER,
            flags=flags_with(assessment.flags, MeterRead.Flag.METER_CHANGE),
            note=f"Removal reading at {installation.premise}",
            entered_by=by,
        )
    return installation


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ServiceError(
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
        raise ServiceError({"new_meter": "The new meter must be a different meter."})
    lock_meters(old_meter, new_meter)
    installation = MeterInstallation.objects.filter(
        meter=old_meter, premise=premise, removed_on__isnull=True
    ).first()
    if installation is None:
        raise ServiceError(
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
