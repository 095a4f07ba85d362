"""Writes of work orders: create, schedule, assign, dispatch, start, complete, cancel, attach.

Each transition locks the order, checks WorkOrder.ALLOWED_TRANSITIONS, validates with messages
the person at the counter or in the truck understands (keyed by the form field they belong to),
writes and returns. Lock order: the work order, then (inside completion) meters by primary key.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import NotPermitted, ServiceError, require
from district.roles import Perm
from district.transitions import check_transition, transition
from field_ops import selectors as field_selectors
from field_ops.completion import READ_TYPES, completion_spec, run_completion_handlers
from field_ops.completion.specs import order_meter
from field_ops.models import Meter, MeterRead, Premise, WorkOrder
from field_ops.work_orders import selectors

Status = WorkOrder.Status
MAX_REASON = WorkOrder._meta.get_field("cancelled_reason").max_length


@dataclass(frozen=True)
class ScheduleResult:
    work_order: WorkOrder
    # The technician's open orders that day with this one; over capacity is allowed, flagged.
    load: int = 0
    capacity: int = 0

    @property
    def over_capacity(self) -> bool:
        return self.capacity > 0 and self.load > self.capacity


def _now() -> datetime.datetime:
    return timezone.now()


def _today() -> datetime.date:
    return timezone.localdate()


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _lock(work_order: WorkOrder) -> WorkOrder:
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("premise", "meter", "assigned_to")
        .get(pk=work_order.pk)
    )


def _require_worker(by, work_order: WorkOrder, doing: str) -> None:
    """The assigned technician works the order; a crew lead may work anyone's."""
    if by is None:
        raise NotPermitted(f"Sign in to {doing}.")
    if work_order.assigned_to_id == by.pk or selectors.can_work_every_order(by):
        return
    holder = _name(work_order.assigned_to) if work_order.assigned_to else "nobody yet"
    raise NotPermitted(f"{work_order} is assigned to {holder}; you cannot {doing}.")


def _check_technician(technician, field: str = "assigned_to") -> None:
    if technician is None or not technician.is_active:
        raise ServiceError({field: "Choose an active field technician."})
    if not technician.has_perm(Perm.WORK_FIELD_ORDERS):
        raise ServiceError({field: f"{_name(technician)} is not a field technician."})


def _schedule_result(work_order: WorkOrder) -> ScheduleResult:
    if work_order.assigned_to_id is None or work_order.scheduled_date is None:
        return ScheduleResult(work_order=work_order)
    return ScheduleResult(
        work_order=work_order,
        load=selectors.technician_load(work_order.assigned_to, work_order.scheduled_date),
        capacity=selectors.orders_per_day(work_order.assigned_to),
    )


def _save(work_order: WorkOrder, by, fields: list[str]) -> None:
    with acting_user(by):
        work_order.save(update_fields=fields)


DISPATCHERS = (Perm.DISPATCH_WORK_ORDERS, Perm.LEAD_FIELD_CREW)
ORDER_KEEPERS = (Perm.CREATE_WORK_ORDERS, Perm.DISPATCH_WORK_ORDERS, Perm.LEAD_FIELD_CREW)


# -- create


@transaction.atomic
def work_order_create(
    *,
    order_type: str,
    premise: Premise,
    by,
    requested_date: datetime.date,
    priority: str = WorkOrder.Priority.ROUTINE,
    origin: str = WorkOrder.Origin.COUNTER,
    service_account_id: int | None = None,
    meter: Meter | None = None,
    window_start: datetime.time | None = None,
    window_end: datetime.time | None = None,
    instructions: str = "",
) -> WorkOrder:
    """Open an order for work at a premise (on the meter installed there unless one is named)."""
    errors = {}
    if order_type not in WorkOrder.Type.values:
        errors["order_type"] = "Choose the type of work."
    if priority not in WorkOrder.Priority.values:
        errors["priority"] = "Choose the priority."
    if origin not in WorkOrder.Origin.values:
        errors["origin"] = "Choose where the request came from."
    if requested_date is None:
        errors["requested_date"] = "Enter the day the work is wanted."
    elif priority == WorkOrder.Priority.ROUTINE and requested_date < _today():
        errors["requested_date"] = "A routine order cannot be requested for a past day."
    if window_start and window_end and window_end <= window_start:
        errors["window_end"] = "The time window must end after it starts."
    if errors:
        raise ServiceError(errors)
    meter = meter or field_selectors.installed_meter(premise)
    if meter is None and completion_spec(order_type).needs_meter:
        raise ServiceError(
            {
                "order_type": f"No meter is installed at {premise}: a "
                f"{WorkOrder.Type(order_type).label.lower()} order needs one."
            }
        )
    work_order = WorkOrder(
        order_type=order_type,
        priority=priority,
        origin=origin,
        premise=premise,
        service_account_id=service_account_id,
        meter=meter,
        requested_date=requested_date,
        window_start=window_start,
        window_end=window_end,
        instructions=(instructions or "").strip(),
        created_by=by,
        created_at=_now(),
    )
    work_order.full_clean(exclude=["service_account_id"])
    with acting_user(by):
        work_order.save()
    return work_order


# -- scheduling and dispatch


@transaction.atomic
def work_order_schedule(
    *, work_order: WorkOrder, scheduled_date: datetime.date, assigned_to=None, by
) -> ScheduleResult:
    """Put the order on a day (and a technician's list); beyond capacity is allowed, flagged.

    Without `assigned_to` the current technician (if any) keeps the order.
    """
    require(by, *DISPATCHERS, doing="schedule work orders", any_of=True)
    work_order = _lock(work_order)
    check_transition(work_order, Status.SCHEDULED, verb="scheduled")
    if scheduled_date is None:
        raise ServiceError({"scheduled_date": "Choose the day."})
    if scheduled_date < _today():
        raise ServiceError({"scheduled_date": "Schedule for today or a later day."})
    if assigned_to is not None:
        _check_technician(assigned_to)
        work_order.assigned_to = assigned_to
    work_order.status = Status.SCHEDULED
    work_order.scheduled_date = scheduled_date
    work_order.dispatched_at = None
    _save(work_order, by, ["status", "scheduled_date", "assigned_to", "dispatched_at"])
    return _schedule_result(work_order)


@transaction.atomic
def work_order_unschedule(*, work_order: WorkOrder, by) -> WorkOrder:
    """Take a scheduled order off its day and technician, back to the new orders."""
    require(by, *DISPATCHERS, doing="unschedule work orders", any_of=True)
    work_order = _lock(work_order)
    transition(work_order, Status.NEW, verb="returned to new")
    work_order.scheduled_date = None
    work_order.assigned_to = None
    _save(work_order, by, ["status", "scheduled_date", "assigned_to"])
    return work_order


ASSIGNABLE = (Status.NEW, Status.SCHEDULED, Status.DISPATCHED)


@transaction.atomic
def work_order_assign(*, work_order: WorkOrder, technician, by) -> ScheduleResult:
    """Give the order to a technician without changing its status or day."""
    require(by, *DISPATCHERS, doing="assign work orders", any_of=True)
    work_order = _lock(work_order)
    if work_order.status not in ASSIGNABLE:
        raise ServiceError(
            f"{work_order} is {work_order.get_status_display().lower()}: "
            "it can no longer be given to another technician."
        )
    _check_technician(technician, "technician")
    work_order.assigned_to = technician
    _save(work_order, by, ["assigned_to"])
    return _schedule_result(work_order)


@transaction.atomic
def work_order_take(*, work_order: WorkOrder, by) -> WorkOrder:
    """A technician takes an unassigned order of the day onto their own list, where the
    district's policy lets technicians pick up work dispatch has not handed out."""
    require(by, Perm.WORK_FIELD_ORDERS, doing="take work orders")
    if not selectors.technicians_may_take_orders():
        raise NotPermitted("Dispatch hands out the orders here; ask dispatch for this one.")
    work_order = _lock(work_order)
    if work_order.assigned_to_id is not None:
        raise ServiceError(f"{work_order} was already given to {_name(work_order.assigned_to)}.")
    if work_order.status not in selectors.TAKEABLE:
        raise ServiceError(
            f"{work_order} is {work_order.get_status_display().lower()}: it cannot be taken."
        )
    today = _today()
    due = work_order.scheduled_date or work_order.requested_date
    if due > today:
        raise ServiceError(f"{work_order} is not due until {due:%m/%d/%Y}.")
    check_transition(work_order, Status.DISPATCHED, verb="dispatched")
    work_order.assigned_to = by
    work_order.status = Status.DISPATCHED
    work_order.scheduled_date = today
    work_order.dispatched_at = _now()
    _save(work_order, by, ["assigned_to", "status", "scheduled_date", "dispatched_at"])
    return work_order


@transaction.atomic
def work_order_dispatch(*, work_order: WorkOrder, by, technician=None) -> WorkOrder:
    """Send the order to its technician's phone (today if it had no day)."""
    require(by, *DISPATCHERS, doing="dispatch work orders", any_of=True)
    work_order = _lock(work_order)
    check_transition(work_order, Status.DISPATCHED, verb="dispatched")
    if technician is not None:
        _check_technician(technician, "technician")
        work_order.assigned_to = technician
    if work_order.assigned_to is None:
        raise ServiceError({"technician": "Choose the technician to send it to."})
    work_order.status = Status.DISPATCHED
    work_order.scheduled_date = work_order.scheduled_date or _today()
    work_order.dispatched_at = _now()
    work_order.started_at = None
    _save(
        work_order,
        by,
        ["status", "assigned_to", "scheduled_date", "dispatched_at", "started_at"],
    )
    return work_order


@transaction.atomic
def work_order_start(*, work_order: WorkOrder, by) -> WorkOrder:
    """The technician is on site and working the order."""
    work_order = _lock(work_order)
    check_transition(work_order, Status.IN_PROGRESS, verb="started")
    _require_worker(by, work_order, "start it")
    work_order.status = Status.IN_PROGRESS
    work_order.started_at = _now()
    _save(work_order, by, ["status", "started_at"])
    return work_order


@transaction.atomic
def work_order_pause(*, work_order: WorkOrder, by) -> WorkOrder:
    """The technician leaves a started order for later (it stays on their list, dispatched)."""
    work_order = _lock(work_order)
    _require_worker(by, work_order, "put it back")
    if work_order.status != Status.IN_PROGRESS:
        raise ServiceError(f"{work_order} is not in progress.")
    transition(work_order, Status.DISPATCHED, verb="put back on the list")
    work_order.started_at = None
    _save(work_order, by, ["status", "started_at"])
    return work_order


# -- completion


@transaction.atomic
def work_order_complete(*, work_order: WorkOrder, by, data: dict, notes: str = "") -> WorkOrder:
    """Record what was done, as the order's type requires; then run the registered handlers.

    field_ops' own effect (a read, an exchange, a meter test) is written first, then each
    handler other apps registered for the type; any refusal rolls all of it back.
    """
    work_order = _lock(work_order)
    check_transition(work_order, Status.COMPLETED, verb="completed")
    _require_worker(by, work_order, "complete it")
    spec = completion_spec(work_order.order_type)
    notes = (notes or "").strip()
    data = dict(data or {})
    if spec.has_field("notes") and not str(data.get("notes") or "").strip():
        data["notes"] = notes
    completion = spec.clean(work_order, data)
    with acting_user(by):
        if spec.record is not None:
            completion.update(spec.record(work_order, completion, by) or {})
        run_completion_handlers(work_order, completion, by)
    work_order.status = Status.COMPLETED
    work_order.completed_at = _now()
    work_order.completed_by = by
    work_order.completion = completion
    work_order.completion_notes = notes or completion.get("notes", "")
    _save(
        work_order,
        by,
        ["status", "completed_at", "completed_by", "completion", "completion_notes"],
    )
    return work_order


# -- cancel and priority


@transaction.atomic
def work_order_cancel(*, work_order: WorkOrder, by, reason: str) -> WorkOrder:
    """Close an order without doing the work, saying why."""
    require(by, *ORDER_KEEPERS, doing="cancel work orders", any_of=True)
    return _cancel(work_order, by=by, reason=reason)


@transaction.atomic
def work_order_withdraw(*, work_order: WorkOrder, reason: str, by=None) -> WorkOrder:
    """Cancel an order because what called for it no longer stands, decided by the area that
    created it (a shut-off order once the customer has paid): no work-order permission is asked
    of `by`, whoever's action (a cashier's payment, a lockbox file, the night's run) ended the
    need. The reason shows on the technician's phone like any cancellation."""
    return _cancel(work_order, by=by, reason=reason)


def _cancel(work_order: WorkOrder, *, by, reason: str) -> WorkOrder:
    work_order = _lock(work_order)
    check_transition(work_order, Status.CANCELLED, verb="cancelled")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError({"reason": "Say why the order is cancelled."})
    if len(reason) > MAX_REASON:
        raise ServiceError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    work_order.status = Status.CANCELLED
    work_order.cancelled_reason = reason
    _save(work_order, by, ["status", "cancelled_reason"])
    return work_order


@transaction.atomic
def work_order_reprioritise(*, work_order: WorkOrder, priority: str, by) -> WorkOrder:
    """Raise or lower an open order's priority."""
    require(by, *ORDER_KEEPERS, doing="change priorities", any_of=True)
    work_order = _lock(work_order)
    if work_order.status not in WorkOrder.OPEN_STATUSES:
        raise ServiceError(
            f"{work_order} is {work_order.get_status_display().lower()}: "
            "its priority can no longer change."
        )
    if priority not in WorkOrder.Priority.values:
        raise ServiceError({"priority": "Choose emergency, same day or routine."})
    work_order.priority = priority
    _save(work_order, by, ["priority"])
    return work_order


# -- a read order completed with a read taken elsewhere

# Orders not yet sent to a technician.
COUNTER_COMPLETABLE = (Status.NEW, Status.SCHEDULED)


@transaction.atomic
def work_order_complete_with_read(*, work_order: WorkOrder, read: MeterRead, by) -> WorkOrder:
    """Complete a read order (a final read, say) with a read the counter took: the customer's
    own reading or an estimate, recorded by `read_record` with that source. What the order's
    completion does (the handlers: the final bill's queue, a revert to owner) follows exactly
    as when a technician reads the meter; the completion names the read and its source."""
    work_order = _lock(work_order)
    # Not the field's transition map (dispatched -> completed): the counter closes an order no
    # technician has in hand yet, so it must still be waiting in the office.
    if work_order.status not in COUNTER_COMPLETABLE:
        raise ServiceError(
            f"{work_order} is {work_order.get_status_display().lower()}: the field has it, so "
            "the read comes from the field."
        )
    require(
        by, Perm.ENTER_READS, Perm.START_STOP_SERVICE, doing="record a read for it", any_of=True
    )
    if work_order.order_type not in READ_TYPES:
        raise ServiceError(f"{work_order} is not a read: it needs its own completion.")
    meter = order_meter(work_order)
    if meter is None or meter.pk != read.meter_id:
        raise ServiceError({"reading": "The read is not of the meter this order is for."})
    completion = {
        "meter_id": meter.pk,
        "meter_serial": meter.serial,
        "reading": str(read.reading),
        "meter_read_id": read.pk,
        "read_on": read.read_on.isoformat(),
        "flags": read.flags,
        "read_source": read.source,
    }
    with acting_user(by):
        run_completion_handlers(work_order, completion, by)
    work_order.status = Status.COMPLETED
    work_order.completed_at = _now()
    work_order.completed_by = by
    work_order.completion = completion
    work_order.completion_notes = f"Read taken at the counter ({read.get_source_display().lower()})"
    _save(
        work_order,
        by,
        ["status", "completed_at", "completed_by", "completion", "completion_notes"],
    )
    return work_order
