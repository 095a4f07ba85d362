"""Writes on the fleet: receive a meter, move it between stock, the shop, lost and retired with
a reason; record and edit hydrants; and the premise a hydrant's work orders are sent to.

Issue and return move a meter too, but through the permit's custody services (permits.services
and hydrants.usage): the moves here are the yard's own.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user, refuse_unknown_fields
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition
from field_ops.models import Premise
from hydrants.models import Hydrant, HydrantMeter

Status = HydrantMeter.Status
METER_FIELDS = (
    "serial",
    "size",
    "unit",
    "backflow_serial",
    "backflow_tested_on",
    "condition",
    "yard_bin",
    "last_tested_on",
    "replacement_cost",
    "notes",
)
HYDRANT_FIELDS = (
    "number",
    "location",
    "latitude",
    "longitude",
    "pressure_zone",
    "restrictions",
    "restricted_from_drought_stage",
    "fire_department_required",
    "active",
)
# The yard's own moves (issued comes from a permit's meter issue, not from here).
YARD_MOVES = {Status.IN_STOCK, Status.IN_TEST_REPAIR, Status.LOST, Status.RETIRED}
MOVE_VERBS = {
    Status.IN_STOCK: "put back in stock",
    Status.IN_TEST_REPAIR: "sent to test or repair",
    Status.LOST: "reported lost",
    Status.RETIRED: "retired",
}
# Where a hydrant's premise is filed: hydrants are not on a read route.
HYDRANT_ROUTE = "HYD"


def _today() -> datetime.date:
    return timezone.localdate()


def _clean_and_save(instance, by, *, exclude=()) -> None:
    instance.full_clean(exclude=list(exclude))
    with acting_user(by):
        instance.save()


def _normalised(fields: dict, allowed) -> dict:
    refuse_unknown_fields(fields, allowed)
    cleaned = dict(fields)
    for name in ("serial", "backflow_serial", "number", "yard_bin"):
        if name in cleaned and cleaned[name] is not None:
            cleaned[name] = " ".join(str(cleaned[name]).split()).upper()
    for name, value in cleaned.items():
        if isinstance(value, str) and name not in ("notes", "restrictions"):
            cleaned[name] = value.strip()
    return cleaned


def _check_test_date(tested_on, *, field: str) -> None:
    if tested_on is not None and tested_on > _today():
        raise ServiceError({field: "A test date cannot be in the future."})


# -- meters


@transaction.atomic
def hydrant_meter_create(*, by, **fields) -> HydrantMeter:
    """Receive a hydrant meter into the yard's stock."""
    require(by, Perm.HYDRANT_RENTALS, doing="receive hydrant meters")
    fields = _normalised(fields, METER_FIELDS)
    _check_test_date(fields.get("last_tested_on"), field="last_tested_on")
    _check_test_date(fields.get("backflow_tested_on"), field="backflow_tested_on")
    if HydrantMeter.objects.filter(serial__iexact=fields.get("serial", "")).exists():
        raise ServiceError({"serial": "A hydrant meter with this serial is already on record."})
    meter = HydrantMeter(status=Status.IN_STOCK, status_reason="Received into stock", **fields)
    _clean_and_save(meter, by)
    return meter


@transaction.atomic
def hydrant_meter_update(*, meter: HydrantMeter, by, **fields) -> HydrantMeter:
    """Edit a meter's description (its status moves with hydrant_meter_move)."""
    require(by, Perm.HYDRANT_RENTALS, doing="edit hydrant meters")
    fields = _normalised(fields, METER_FIELDS)
    meter = HydrantMeter.objects.select_for_update().get(pk=meter.pk)
    _check_test_date(fields.get("last_tested_on"), field="last_tested_on")
    _check_test_date(fields.get("backflow_tested_on"), field="backflow_tested_on")
    if (
        HydrantMeter.objects.filter(serial__iexact=fields.get("serial", meter.serial))
        .exclude(pk=meter.pk)
        .exists()
    ):
        raise ServiceError({"serial": "A hydrant meter with this serial is already on record."})
    for name, value in fields.items():
        setattr(meter, name, value)
    _clean_and_save(meter, by)
    return meter


@transaction.atomic
def hydrant_meter_move(
    *,
    meter: HydrantMeter,
    to_status: str,
    reason: str,
    by,
    tested_on: datetime.date | None = None,
) -> HydrantMeter:
    """Move a meter in the yard: to test or repair, back to stock (with the date it passed its
    test), lost, or retired; always with the reason, kept in the meter's history.

    An issued meter comes back through its permit's return (the custody record closes there),
    so it is not moved from here, except to report it lost.
    """
    require(by, Perm.HYDRANT_RENTALS, doing="move hydrant meters")
    reason = " ".join((reason or "").split())
    if to_status not in YARD_MOVES:
        raise ServiceError({"to_status": "Issue a meter from its permit's page."})
    meter = HydrantMeter.objects.select_for_update().get(pk=meter.pk)
    verb = MOVE_VERBS[to_status]
    if meter.is_issued and to_status != Status.LOST:
        raise ServiceError(
            {
                "to_status": f"{meter} is out on a permit: it comes back through the permit's "
                "return, not from the yard."
            }
        )
    transition(meter, to_status, verb=verb, field="to_status")
    if not reason:
        raise ServiceError({"reason": f"Say why the meter is {verb}."})
    if to_status == Status.IN_STOCK:
        # Back to stock only from the shop, and only with the test it passed there.
        if tested_on is None:
            raise ServiceError(
                {"tested_on": "Enter the date the meter passed its test before stocking it."}
            )
        _check_test_date(tested_on, field="tested_on")
        meter.last_tested_on = tested_on
    elif tested_on is not None:
        raise ServiceError({"tested_on": "A test date is recorded when the meter is stocked."})
    meter.status_reason = reason[:255]
    with acting_user(by):
        meter.save(update_fields=["status", "status_reason", "last_tested_on"])
    return meter


# -- hydrants


@transaction.atomic
def hydrant_create(*, by, **fields) -> Hydrant:
    require(by, Perm.HYDRANT_RENTALS, doing="record hydrants")
    fields = _normalised(fields, HYDRANT_FIELDS)
    if Hydrant.objects.filter(number__iexact=fields.get("number", "")).exists():
        raise ServiceError({"number": "A hydrant with this number is already on record."})
    hydrant = Hydrant(**fields)
    _clean_and_save(hydrant, by, exclude=["premise"])
    return hydrant


@transaction.atomic
def hydrant_update(*, hydrant: Hydrant, by, **fields) -> Hydrant:
    """Edit a hydrant: its restrictions change with the drought stage and the fire marshal."""
    require(by, Perm.HYDRANT_RENTALS, doing="edit hydrants")
    fields = _normalised(fields, HYDRANT_FIELDS)
    hydrant = Hydrant.objects.select_for_update().get(pk=hydrant.pk)
    if (
        Hydrant.objects.filter(number__iexact=fields.get("number", hydrant.number))
        .exclude(pk=hydrant.pk)
        .exists()
    ):
        raise ServiceError({"number": "A hydrant with this number is already on record."})
    for name, value in fields.items():
        setattr(hydrant, name, value)
    _clean_and_save(hydrant, by, exclude=["premise"])
    return hydrant


def hydrant_premise(hydrant: Hydrant, *, near: Premise, by) -> Premise:
    """The premise a hydrant's work orders go to, made on first need (call inside a
    transaction holding the hydrant's lock).

    A work order needs a premise: the hydrant's is a commercial premise at its location, off
    the read routes, with the hydrant's coordinates so the technician's map link finds it. A
    hydrant records no city or ZIP code: they are taken from `near` (the contractor's account's
    premise, in the district too); the coordinates are what the technician follows.
    """
    if hydrant.premise_id is not None:
        return hydrant.premise
    house_number, _space, street = hydrant.location.partition(" ")
    if not house_number[:1].isdigit() or not street:
        # "Main St & 5th Ave": no house number; the hydrant's number stands in for one.
        house_number, street = f"H{hydrant.number}"[:12], hydrant.location
    premise = Premise(
        house_number=house_number[:12],
        street=street[:80],
        city=near.city,
        state=near.state,
        zip_code=near.zip_code,
        route=HYDRANT_ROUTE,
        read_sequence=0,
        latitude=hydrant.latitude,
        longitude=hydrant.longitude,
        premise_type=Premise.PremiseType.COMMERCIAL,
        meter_location_notes=f"Fire hydrant {hydrant.number}"[:200],
    )
    premise.full_clean()
    with acting_user(by):
        premise.save()
        hydrant.premise = premise
        hydrant.save(update_fields=["premise"])
    return premise
