"""Every status change of a work order: the map's allowed moves succeed, every other is refused."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from field_ops.models import MeterRead, WorkOrder
from field_ops.work_orders import (
    work_order_cancel,
    work_order_complete,
    work_order_dispatch,
    work_order_pause,
    work_order_schedule,
    work_order_start,
    work_order_unschedule,
)

pytestmark = pytest.mark.django_db

S = WorkOrder.Status
STATUSES = list(S)


def _move(world, work_order, to_status):
    """The service that moves an order to `to_status`, run by the person whose job it is."""
    if to_status == S.NEW:
        return work_order_unschedule(work_order=work_order, by=world.dispatcher)
    if to_status == S.SCHEDULED:
        return work_order_schedule(
            work_order=work_order,
            scheduled_date=timezone.localdate(),
            assigned_to=world.technician,
            by=world.dispatcher,
        )
    if to_status == S.DISPATCHED:
        return work_order_dispatch(
            work_order=work_order, by=world.dispatcher, technician=world.technician
        )
    if to_status == S.IN_PROGRESS:
        return work_order_start(work_order=work_order, by=world.technician)
    if to_status == S.COMPLETED:
        return work_order_complete(
            work_order=work_order, by=world.technician, data={"reading": "150"}
        )
    return work_order_cancel(work_order=work_order, by=world.dispatcher, reason="Customer called")


def _state(work_order):
    work_order = WorkOrder.objects.get(pk=work_order.pk)
    return (
        work_order.status,
        work_order.scheduled_date,
        work_order.assigned_to_id,
        work_order.dispatched_at,
        work_order.started_at,
        work_order.completed_at,
        work_order.completion,
        work_order.cancelled_reason,
    )


ALLOWED = [
    (from_status, to_status)
    for from_status, to_status in itertools.product(STATUSES, STATUSES)
    if to_status in WorkOrder.ALLOWED_TRANSITIONS[from_status]
]
REFUSED = [
    (from_status, to_status)
    for from_status, to_status in itertools.product(STATUSES, STATUSES)
    if to_status not in WorkOrder.ALLOWED_TRANSITIONS[from_status]
]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED, ids=lambda status: str(status))
def test_an_allowed_move_is_made(world, from_status, to_status):
    # given
    work_order = world.order(WorkOrder.Type.RE_READ, status=from_status)

    # when
    _move(world, work_order, to_status)

    # then
    moved = WorkOrder.objects.get(pk=work_order.pk)
    assert moved.status == to_status
    if to_status == S.COMPLETED:
        assert moved.completed_at is not None
        assert MeterRead.objects.filter(meter=world.meter, reading=150).count() == 1
    if to_status == S.IN_PROGRESS:
        assert moved.started_at is not None
    if to_status == S.DISPATCHED:
        assert moved.dispatched_at is not None
        assert moved.started_at is None
    if to_status == S.NEW:
        assert (moved.scheduled_date, moved.assigned_to) == (None, None)
    if to_status == S.CANCELLED:
        assert moved.cancelled_reason == "Customer called"


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED, ids=lambda status: str(status))
def test_a_move_the_map_does_not_allow_is_refused_and_nothing_changes(
    world, from_status, to_status
):
    # given
    work_order = world.order(WorkOrder.Type.RE_READ, status=from_status)
    before = _state(work_order)
    reads_before = MeterRead.objects.count()

    # when
    with pytest.raises(ValidationError) as refused:
        _move(world, work_order, to_status)

    # then
    assert f"is {S(from_status).label.lower()}" in refused.value.messages[0]
    assert _state(work_order) == before
    assert MeterRead.objects.count() == reads_before


def test_a_technician_can_put_a_started_order_back_on_the_list(world):
    # given
    work_order = world.order(status=S.IN_PROGRESS)

    # when
    work_order_pause(work_order=work_order, by=world.technician)

    # then
    paused = WorkOrder.objects.get(pk=work_order.pk)
    assert (paused.status, paused.started_at) == (S.DISPATCHED, None)


def test_only_a_started_order_can_be_put_back(world):
    # given
    work_order = world.order(status=S.DISPATCHED)
    before = _state(work_order)

    # when
    with pytest.raises(ValidationError):
        work_order_pause(work_order=work_order, by=world.technician)

    # then
    assert _state(work_order) == before
