"""A lent meter coming back: the pick-up order, the final read and the return, the shop's
inspection, the final bill; or the meter reported lost.

Order of the return: meter_return_start (a HYDRANT_METER_PICKUP order for field_ops; or the
contractor brings the meter in) -> the final read (the pick-up order's completion records it,
source "field"; or the counter records it with is_final) -> meter_return_record (refused
without the final read; the meter goes to the shop, the permit to "returned") ->
hydrant_inspection_record -> hydrant_final_bill -> settlement.py's hydrant_settle.
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError, require
from district.money import ZERO, format_money, parse_money
from district.policies import policy_value
from district.roles import Perm
from district.transitions import transition
from district.uploads import sniff_document
from field_ops.models import WorkOrder
from hydrants.models import (
    HydrantBill,
    HydrantInspection,
    HydrantInspectionPhoto,
    HydrantMeter,
    HydrantPermit,
    HydrantRead,
    MeterIssue,
)
from hydrants.usage import pricing
from hydrants.usage.billing import last_billed, pickup_order_create, post_bill
from hydrants.usage.reads import last_reading, lock_issue, record_read
from hydrants.usage.reference_data import LOST_METER_DAYS_KEY

RETURN_PERMISSION = Perm.HYDRANT_RENTALS
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 10


def final_read(issue: MeterIssue) -> HydrantRead | None:
    return issue.reads.filter(is_final=True).first()


# -- pick-up and return


@transaction.atomic
def meter_return_start(
    *, issue_id: int, by, requested_date: datetime.date | None = None
) -> WorkOrder:
    """Ask field operations to pick the meter up (a HYDRANT_METER_PICKUP order); an open
    pick-up order already made for it (e.g. the idle pull order) is returned instead."""
    require(by, RETURN_PERMISSION, doing="return hydrant meters")
    issue = lock_issue(issue_id)
    if not issue.is_open:
        raise ServiceError(f"Meter {issue.meter.serial} is already back.")
    if issue.pickup_work_order_id is not None:
        order = WorkOrder.objects.filter(pk=issue.pickup_work_order_id).first()
        if order is not None and order.status in WorkOrder.OPEN_STATUSES:
            return order
    with acting_user(by):
        return pickup_order_create(
            issue,
            by=by,
            requested_date=requested_date or timezone.localdate(),
            instructions=(
                f"Pick up hydrant meter {issue.meter.serial} (permit {issue.permit.number}) from "
                f"{issue.permit.hydrant}; record its final reading."
            ),
        )


def _return(issue: MeterIssue, *, returned_at: datetime.datetime, by, reason: str) -> MeterIssue:
    """Close the custody of a locked issue whose final read is in: the meter to the shop for
    its inspection, the permit to "returned"."""
    if final_read(issue) is None:
        raise ServiceError(
            f"Record the final read of meter {issue.meter.serial} before its return: the final "
            "bill charges the water to it."
        )
    meter = HydrantMeter.objects.select_for_update().get(pk=issue.meter_id)
    permit = HydrantPermit.objects.select_for_update().get(pk=issue.permit_id)
    issued_at = issue.issued_at
    issue.returned_at = max(returned_at, issued_at)
    transition(meter, HydrantMeter.Status.IN_TEST_REPAIR, verb="returned to the shop")
    meter.status_reason = reason[:255]
    transition(permit, HydrantPermit.Status.RETURNED, verb="marked returned")
    with acting_user(by):
        issue.save(update_fields=["returned_at"])
        meter.save(update_fields=["status", "status_reason"])
        permit.save(update_fields=["status"])
    return issue


@transaction.atomic
def meter_return_record(
    *, issue_id: int, by, returned_at: datetime.datetime | None = None
) -> MeterIssue:
    """The meter is back in the yard: refused without its final read."""
    require(by, RETURN_PERMISSION, doing="return hydrant meters")
    issue = lock_issue(issue_id)
    if not issue.is_open:
        raise ServiceError(f"Meter {issue.meter.serial} is already back.")
    return _return(
        issue,
        returned_at=returned_at or timezone.now(),
        by=by,
        reason=f"Returned on permit {issue.permit.number}: awaiting inspection",
    )


def pickup_completed(work_order: WorkOrder, completion: dict, by) -> None:
    """Completion handler of HYDRANT_METER_PICKUP: the technician's reading is the final read
    (source field) and the meter is back. An order for no hydrant issue is left alone."""
    issue_id = (
        MeterIssue.objects.filter(pickup_work_order_id=work_order.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if issue_id is None:
        return
    issue = lock_issue(issue_id)
    if not issue.is_open:
        return
    serial = str(completion.get("hydrant_meter_serial", "")).strip().upper()
    if serial != issue.meter.serial.upper():
        raise ServiceError(
            {
                "hydrant_meter_serial": f"This order picks up meter {issue.meter.serial}; "
                f"the serial entered is {serial or 'empty'}."
            }
        )
    done_at = work_order.completed_at or timezone.now()
    if final_read(issue) is None:
        record_read(
            issue,
            read_on=timezone.localdate(done_at),
            reading=completion.get("reading"),
            source=HydrantRead.Source.FIELD,
            by=by,
            is_final=True,
            work_order_id=work_order.pk,
        )
    _return(
        issue,
        returned_at=done_at,
        by=by,
        reason=f"Picked up by {work_order}: awaiting inspection",
    )


# -- the shop's inspection


def _money_field(value, field: str) -> Decimal:
    if value in (None, ""):
        return ZERO
    try:
        amount = parse_money(value)
    except Exception:
        raise ServiceError({field: "Enter an amount in dollars and cents."}) from None
    if amount < 0:
        raise ServiceError({field: "Enter an amount of zero or more."})
    return amount


def _accuracy(value) -> Decimal:
    try:
        accuracy = Decimal(str(value).strip().removesuffix("%"))
    except (InvalidOperation, ValueError):
        raise ServiceError(
            {"accuracy_percent": "Enter the accuracy as a percent, e.g. 98.5."}
        ) from None
    if not accuracy.is_finite() or not Decimal(0) <= accuracy <= Decimal(200):
        raise ServiceError({"accuracy_percent": "The accuracy is a percent between 0 and 200."})
    return accuracy.quantize(Decimal("0.01"))


def _photo(inspection: HydrantInspection, upload, by) -> HydrantInspectionPhoto:
    size = upload.size or 0
    if size == 0:
        raise ServiceError({"photos": "A photo is empty: choose it again."})
    if size > MAX_PHOTO_BYTES:
        raise ServiceError({"photos": f"{upload.name} is over the 10 MB limit."})
    upload.seek(0)
    sniffed = sniff_document(upload.read(32) or b"")
    upload.seek(0)
    if sniffed is None:
        raise ServiceError(
            {"photos": f"{upload.name} is not a photo (JPEG, PNG or HEIC) or a PDF."}
        )
    content_type, extension = sniffed
    photo = HydrantInspectionPhoto(
        inspection=inspection,
        original_name=str(upload.name or "photo")[:255],
        content_type=content_type,
        size_bytes=size,
        uploaded_by=by,
    )
    photo.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(upload.read()), save=False)
    photo.save()
    return photo


@transaction.atomic
def hydrant_inspection_record(
    *,
    issue_id: int,
    by,
    inspected_on: datetime.date,
    meter_test_result: str,
    accuracy_percent,
    backflow_test_result: str,
    damage_items=(),
    parts_charge=None,
    labour_charge=None,
    notes: str = "",
    photos=(),
) -> HydrantInspection:
    """Record the inspection of a returned meter; its parts and labour go on the final bill.
    A meter that passes (test passed, backflow not failed, no damage) goes back to stock."""
    require(by, RETURN_PERMISSION, doing="inspect returned hydrant meters")
    issue = lock_issue(issue_id)
    if issue.is_open:
        raise ServiceError(f"Meter {issue.meter.serial} is not back yet: record its return first.")
    if HydrantInspection.objects.filter(issue=issue).exists():
        raise ServiceError(f"Meter {issue.meter.serial} was already inspected for this permit.")
    errors = {}
    if meter_test_result not in HydrantInspection.TestResult.values:
        errors["meter_test_result"] = "Choose the meter test's result."
    if backflow_test_result not in HydrantInspection.BackflowResult.values:
        errors["backflow_test_result"] = "Choose the backflow test's result."
    items = list(dict.fromkeys(damage_items or ()))
    if set(items) - set(HydrantInspection.Damage.values):
        errors["damage_items"] = "Choose damage from the list."
    if not isinstance(inspected_on, datetime.date) or inspected_on > timezone.localdate():
        errors["inspected_on"] = "Enter the day of the inspection (today or earlier)."
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = f"At most {MAX_PHOTOS} photos."
    if errors:
        raise ServiceError(errors)
    inspection = HydrantInspection(
        issue=issue,
        inspected_on=inspected_on,
        damage_items=items,
        notes=(notes or "").strip(),
        meter_test_result=meter_test_result,
        accuracy_percent=_accuracy(accuracy_percent),
        backflow_test_result=backflow_test_result,
        parts_charge=_money_field(parts_charge, "parts_charge"),
        labour_charge=_money_field(labour_charge, "labour_charge"),
        inspected_by=by,
    )
    if items and inspection.damage_total == ZERO:
        raise ServiceError(
            {
                "parts_charge": "Damage is checked: enter the parts and labour to charge (or "
                "uncheck it)."
            }
        )
    with acting_user(by):
        inspection.save()
        for upload in photos:
            _photo(inspection, upload, by)
        meter = HydrantMeter.objects.select_for_update().get(pk=issue.meter_id)
        if meter.status == HydrantMeter.Status.IN_TEST_REPAIR:
            if inspection.passed:
                transition(meter, HydrantMeter.Status.IN_STOCK, verb="returned to stock")
                meter.last_tested_on = inspected_on
                meter.condition = HydrantMeter.Condition.GOOD
                meter.status_reason = f"Inspected {inspected_on:%m/%d/%Y}: passed"
            else:
                meter.condition = (
                    HydrantMeter.Condition.DAMAGED if inspection.is_damaged else meter.condition
                )
                meter.status_reason = f"Inspected {inspected_on:%m/%d/%Y}: needs repair or test"
            meter.save(update_fields=["status", "last_tested_on", "condition", "status_reason"])
    return inspection


# -- the final bill


@transaction.atomic
def hydrant_final_bill(*, issue_id: int, by) -> HydrantBill:
    """Bill a returned meter: the water from the last billed reading to the final read, the
    rental from the day after the last bill to the return date, and the inspection's damages.
    Asked again, returns the bill made the first time."""
    require(by, RETURN_PERMISSION, doing="bill returned hydrant meters")
    issue = lock_issue(issue_id)
    existing = issue.bills.exclude(kind=HydrantBill.Kind.MONTHLY).first()
    if existing is not None:
        return existing
    if issue.is_open:
        raise ServiceError(f"Meter {issue.meter.serial} is not back yet: record its return first.")
    read = final_read(issue)
    if read is None:
        raise ServiceError(f"Meter {issue.meter.serial} has no final read.")
    inspection = HydrantInspection.objects.filter(issue=issue).first()
    if inspection is None:
        raise ServiceError(
            f"Inspect meter {issue.meter.serial} first: its damages go on the final bill."
        )
    meter = issue.meter
    from_reading, through = last_billed(issue)
    returned_on = timezone.localdate(issue.returned_at)
    start = min(through + datetime.timedelta(days=1), returned_on)
    charges = [
        pricing.water_charge(
            meter_size=meter.size,
            unit=meter.unit,
            consumption=read.reading - from_reading,
            period_start=start,
            period_end=returned_on,
        ),
    ]
    if through < returned_on:
        charges.append(
            pricing.rental_charge(meter_size=meter.size, period_start=start, period_end=returned_on)
        )
    if inspection.damage_total:
        what = ", ".join(inspection.damage_labels) or "repairs"
        charges.append(
            pricing.Charge(
                "damage",
                f"Damage ({what}): parts {format_money(inspection.parts_charge)}, labour "
                f"{format_money(inspection.labour_charge)}",
                inspection.damage_total,
            )
        )
    amounts = {charge.code: charge.amount for charge in charges}
    with acting_user(by):
        bill = HydrantBill.objects.create(
            issue=issue,
            kind=HydrantBill.Kind.FINAL,
            period_start=start,
            period_end=returned_on,
            read=read,
            from_reading=from_reading,
            to_reading=read.reading,
            consumption=read.reading - from_reading,
            water_amount=amounts.get("water", ZERO),
            rental_amount=amounts.get("rental", ZERO),
            damage_amount=amounts.get("damage", ZERO),
            total=pricing.total_of(charges),
            lines=[charge.as_line() for charge in charges],
            created_by=by,
        )
        return post_bill(
            bill,
            account_id=issue.permit.account_id,
            by=by,
            memo=f"Final bill, hydrant meter {meter.serial}, permit {issue.permit.number}",
            key=f"hydrant-final-bill:{issue.pk}",
        )


# -- a lost meter


def average_daily_use(issue: MeterIssue) -> Decimal:
    """The meter's use per day from its reads: (last reading - start read) / days from the day
    it went out to the last read (zero without a read on a later day)."""
    reading, read_on = last_reading(issue)
    days = (read_on - timezone.localdate(issue.issued_at)).days
    if days <= 0:
        return ZERO
    return (reading - issue.start_read) / days


@transaction.atomic
def hydrant_meter_lost(
    *, issue_id: int, by, reported_on: datetime.date | None = None
) -> HydrantBill:
    """The contractor lost the meter: charge its replacement cost plus the estimated use
    (policy "hydrant-lost-meter-days" x its average daily use, priced by the rate engine), and
    as a final bill would, the reads not billed yet and the rental since the last bill; mark it
    lost and close its custody. Asked again, returns the bill made the first time."""
    require(by, RETURN_PERMISSION, doing="report hydrant meters lost")
    issue = lock_issue(issue_id)
    existing = issue.bills.filter(kind=HydrantBill.Kind.LOST).first()
    if existing is not None:
        return existing
    if not issue.is_open:
        raise ServiceError(f"Meter {issue.meter.serial} is already back.")
    reported_on = reported_on or timezone.localdate()
    days = int(policy_value(LOST_METER_DAYS_KEY))
    daily = average_daily_use(issue)
    estimated = (daily * days).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    meter = HydrantMeter.objects.select_for_update().get(pk=issue.meter_id)
    # Like a final bill, it starts after the last bill: the reads not billed yet are billed as
    # read, the estimate covers the use since the last read, and the rental runs to the report.
    from_reading, through = last_billed(issue)
    last, _last_on = last_reading(issue)
    unbilled = max(last - from_reading, ZERO)
    start = min(through + datetime.timedelta(days=1), reported_on)
    priced = pricing.water_charge(
        meter_size=meter.size,
        unit=meter.unit,
        consumption=unbilled + estimated,
        period_start=start,
        period_end=reported_on,
    )
    read_part = f"{unbilled} {meter.unit} read and not billed + " if unbilled else ""
    water = pricing.Charge(
        "water",
        f"{read_part}estimated use {days} days x {daily.quantize(Decimal('0.01'))} {meter.unit} "
        f"a day = {estimated} {meter.unit}; {priced.description}",
        priced.amount,
    )
    charges = [water]
    if through < reported_on:
        charges.append(
            pricing.rental_charge(meter_size=meter.size, period_start=start, period_end=reported_on)
        )
    replacement = pricing.Charge(
        "replacement", f"Replacement of lost meter {meter.serial}", meter.replacement_cost
    )
    permit = HydrantPermit.objects.select_for_update().get(pk=issue.permit_id)
    transition(meter, HydrantMeter.Status.LOST, verb="reported lost")
    meter.status_reason = f"Lost on permit {permit.number}, reported {reported_on:%m/%d/%Y}"
    issue.returned_at = max(timezone.now(), issue.issued_at)
    transition(permit, HydrantPermit.Status.RETURNED, verb="closed for a lost meter")
    charges.append(replacement)
    with acting_user(by):
        meter.save(update_fields=["status", "status_reason"])
        issue.save(update_fields=["returned_at"])
        permit.save(update_fields=["status"])
        bill = HydrantBill.objects.create(
            issue=issue,
            kind=HydrantBill.Kind.LOST,
            period_start=start,
            period_end=reported_on,
            from_reading=from_reading,
            to_reading=last,
            consumption=unbilled + estimated,
            water_amount=water.amount,
            rental_amount=pricing.total_of(charges[1:-1]),
            replacement_amount=replacement.amount,
            total=pricing.total_of(charges),
            lines=[charge.as_line() for charge in charges],
            created_by=by,
        )
        return post_bill(
            bill,
            account_id=permit.account_id,
            by=by,
            memo=f"Lost hydrant meter {meter.serial}, permit {permit.number}",
            key=f"hydrant-lost-meter:{issue.pk}",
        )
