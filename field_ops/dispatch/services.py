"""Writes of the dispatch board: thin services over field_ops.work_orders.

They add only what the board needs (recalling a dispatched order before unassigning it,
sending a technician's whole day to the phone); every rule stays in the work-order services.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from district.errors import ServiceError
from field_ops.dispatch.selectors import UNASSIGNABLE, technician_name
from field_ops.models import WorkOrder
from field_ops.work_orders import services as work_order_services

Status = WorkOrder.Status


def dispatch_assign(
    *, work_order: WorkOrder, technician, day: datetime.date, by
) -> work_order_services.ScheduleResult:
    """Give an order to a technician for a day (also how an order is rescheduled or moved).

    Over capacity is allowed: the result says so and the board shows it.
    """
    if technician is None:
        raise ServiceError({"technician": "Choose the technician."})
    return work_order_services.work_order_schedule(
        work_order=work_order, scheduled_date=day, assigned_to=technician, by=by
    )


@transaction.atomic
def dispatch_unassign(*, work_order: WorkOrder, by) -> WorkOrder:
    """Take an order off its technician and day, back to the pool.

    A dispatched order is first recalled from the technician's phone (back to scheduled, on
    today if its day has passed); an order being worked cannot be taken away.
    """
    current = WorkOrder.objects.select_for_update(of=("self",)).get(pk=work_order.pk)
    if current.status not in UNASSIGNABLE:
        raise ServiceError(
            f"{current} is {current.get_status_display().lower()}: "
            "only a scheduled or dispatched order can go back to the pool."
        )
    if current.status == Status.DISPATCHED:
        today = timezone.localdate()
        work_order_services.work_order_schedule(
            work_order=current,
            scheduled_date=max(current.scheduled_date or today, today),
            by=by,
        )
    return work_order_services.work_order_unschedule(work_order=current, by=by)


@transaction.atomic
def dispatch_send_day(*, technician, day: datetime.date, by) -> list[WorkOrder]:
    """Send the technician's scheduled orders for the day to their phone (dispatch them all)."""
    orders = list(
        WorkOrder.objects.select_for_update(of=("self",))
        .filter(assigned_to=technician, scheduled_date=day, status=Status.SCHEDULED)
        .order_by("pk")
    )
    if not orders:
        raise ServiceError(
            f"{technician_name(technician)} has no scheduled orders on {day:%m/%d/%Y} to send."
        )
    return [work_order_services.work_order_dispatch(work_order=order, by=by) for order in orders]


def dispatch_reprioritise(*, work_order: WorkOrder, priority: str, by) -> WorkOrder:
    """Raise or lower an order's priority from the board."""
    return work_order_services.work_order_reprioritise(
        work_order=work_order, priority=priority, by=by
    )
