"""Issuing a meter on an approved, paid permit: the custody record, the meter and permit moved,
and the field order to set the meter on the hydrant."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError, require
from district.policies import policy_value
from district.roles import Perm
from district.transitions import transition
from field_ops.models import WorkOrder
from field_ops.work_orders.services import work_order_create
from hydrants.inventory.services import hydrant_premise
from hydrants.models import Hydrant, HydrantMeter, HydrantPermit, MeterIssue
from hydrants.permits import rules
from hydrants.permits.services.creating import lock_permit
from hydrants.reference_data import TEST_DAYS

MAX_ACCESSORY = MeterIssue._meta.get_field("accessories").base_field.max_length


def _accessories(items) -> list[str]:
    if isinstance(items, str):
        items = items.split(",")
    cleaned = [" ".join(str(item).split()) for item in items or []]
    cleaned = [item for item in cleaned if item]
    if any(len(item) > MAX_ACCESSORY for item in cleaned):
        raise ServiceError(
            {"accessories": f"Name each accessory in at most {MAX_ACCESSORY} characters."}
        )
    return list(dict.fromkeys(cleaned))


def _start_read(value) -> Decimal:
    try:
        reading = Decimal(str(value)) if value is not None and value != "" else None
    except InvalidOperation:
        reading = None
    if reading is None or not reading.is_finite():
        raise ServiceError({"start_read": "Enter the meter's reading as it leaves the yard."})
    if reading < 0:
        raise ServiceError({"start_read": "A reading cannot be negative."})
    return reading


def _check_permit(permit: HydrantPermit, today: datetime.date) -> None:
    if not permit.can_take_meter:
        raise ServiceError(
            f"{permit} is {permit.get_status_display().lower()}: a meter is issued only on an "
            "approved permit."
        )
    if permit.ends_on < today:
        raise ServiceError(f"{permit} ended on {permit.ends_on:%m/%d/%Y}: renew it first.")
    if permit.insurance_expires_on is None or permit.insurance_expires_on < today:
        raise ServiceError(
            f"The contractor's insurance on {permit} has expired: file a current certificate."
        )
    rules.check_paid(permit)


def _check_meter(meter: HydrantMeter, permit: HydrantPermit, today: datetime.date) -> None:
    if meter.is_issued:
        out_on = (
            MeterIssue.objects.filter(meter=meter, returned_at__isnull=True)
            .values_list("permit__number", flat=True)
            .first()
        )
        raise ServiceError(
            {"meter": f"{meter} is already out on permit {out_on or 'another permit'}."}
        )
    if not meter.is_in_stock:
        raise ServiceError(
            {
                "meter": f"{meter} is {meter.get_status_display().lower()}: only a meter in "
                "stock is issued."
            }
        )
    test_days = policy_value(TEST_DAYS)
    if not meter.can_be_issued(test_days=test_days, on=today):
        tested = (
            f"last tested on {meter.last_tested_on:%m/%d/%Y}"
            if meter.last_tested_on
            else "never tested"
        )
        raise ServiceError(
            {
                "meter": f"{meter} was {tested}; a meter is lent only when tested within "
                f"{test_days} days. Send it to test first."
            }
        )
    if meter.size != permit.meter_size:
        raise ServiceError(
            {
                "meter": f"{meter} is {meter.get_size_display()}; the permit is for a "
                f"{permit.get_meter_size_display()} meter."
            }
        )


def set_order_instructions(issue: MeterIssue, permit: HydrantPermit, meter: HydrantMeter) -> str:
    """What the technician reads on the phone: the custody step, then the hydrant's rules."""
    hydrant = permit.hydrant
    lines = [
        f"Set hydrant meter {meter.serial} ({meter.get_size_display()}) on hydrant "
        f"{hydrant.number}, {hydrant.location}, for permit {permit.number} "
        f"({permit.account.customer.display_name}, {permit.project_name}).",
        f"Custody: serial {meter.serial}, start read {issue.start_read} "
        f"{meter.get_unit_display()}; received by {issue.received_by_name} on "
        f"{timezone.localtime(issue.issued_at):%m/%d/%Y}.",
        "Confirm the serial and record the reading when the meter is set.",
    ]
    if issue.accessories:
        lines.append(f"Accessories: {', '.join(issue.accessories)}.")
    if meter.backflow_serial:
        lines.append(f"Backflow assembly: {meter.backflow_serial}.")
    if hydrant.restrictions:
        lines.append(f"Hydrant restrictions: {hydrant.restrictions}")
    return "\n".join(lines)


@transaction.atomic
def meter_issue(
    *,
    permit: HydrantPermit,
    meter: HydrantMeter,
    start_read,
    accessories,
    received_by_name: str,
    acknowledged: bool,
    by,
) -> MeterIssue:
    """Lend a meter on an approved permit whose fee and deposit are paid: record who took it,
    at what read and with what; the meter is issued, the permit active, and a hydrant meter
    set order goes to the field."""
    require(by, Perm.HYDRANT_RENTALS, doing="issue hydrant meters")
    errors = {}
    if meter is None:
        errors["meter"] = "Enter the serial of the meter to issue."
    received_by_name = " ".join((received_by_name or "").split())
    if not received_by_name:
        errors["received_by_name"] = "Type the name of the person taking the meter."
    if acknowledged is not True:
        errors["acknowledged"] = (
            "The contractor's representative must acknowledge the terms and the meter's condition."
        )
    if errors:
        raise ServiceError(errors)
    reading = _start_read(start_read)
    accessory_list = _accessories(accessories)
    today = timezone.localdate()
    # Locks: the permit, then the meter, then the hydrant (the same order everywhere).
    permit = lock_permit(permit)
    meter = HydrantMeter.objects.select_for_update().get(pk=meter.pk)
    _check_permit(permit, today)
    _check_meter(meter, permit, today)
    hydrant = (
        Hydrant.objects.select_for_update(of=("self",))
        .select_related("premise")
        .get(pk=permit.hydrant_id)
    )
    permit.hydrant = hydrant
    issue = MeterIssue(
        permit=permit,
        meter=meter,
        start_read=reading,
        issued_at=timezone.now(),
        accessories=accessory_list,
        received_by_name=received_by_name[:120],
        acknowledged=True,
        issued_by=by,
    )
    issue.full_clean(exclude=["permit", "meter", "issued_by"], validate_constraints=False)
    transition(meter, HydrantMeter.Status.ISSUED, verb="issued", field="meter")
    meter.status_reason = f"Issued on permit {permit.number}"
    transition(permit, HydrantPermit.Status.ACTIVE, verb="given a meter")
    with acting_user(by):
        issue.save()
        meter.save(update_fields=["status", "status_reason"])
        permit.save(update_fields=["status"])
    order = work_order_create(
        order_type=WorkOrder.Type.HYDRANT_METER_SET,
        premise=hydrant_premise(hydrant, near=permit.account.premise, by=by),
        by=by,
        requested_date=max(today, permit.starts_on),
        origin=WorkOrder.Origin.HYDRANTS,
        service_account_id=permit.account_id,
        instructions=set_order_instructions(issue, permit, meter),
    )
    issue.set_work_order_id = order.pk
    with acting_user(by):
        issue.save(update_fields=["set_work_order_id"])
    return issue
