"""Work orders: creating, scheduling (capacity), assigning, priorities, and the day's selectors.

The `world` (tests/field_ops/factories.py): people in each role, a premise with a meter installed
and read, and `world.order(...)` to get an order in any status.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from field_ops.models import TechnicianCapacity, WorkOrder
from field_ops.work_orders import (
    open_orders,
    orders_for_technician,
    overdue,
    work_order_assign,
    work_order_cancel,
    work_order_create,
    work_order_dispatch,
    work_order_reprioritise,
    work_order_schedule,
)
from tests.factories import PremiseFactory

pytestmark = pytest.mark.django_db

S = WorkOrder.Status
T = WorkOrder.Type
P = WorkOrder.Priority


# -- create


def test_an_order_is_created_on_the_meter_installed_at_the_premise(world):
    # when
    work_order = work_order_create(
        order_type=T.RE_READ,
        premise=world.premise,
        by=world.dispatcher,
        requested_date=timezone.localdate(),
        instructions="  Dog in yard  ",
    )

    # then
    assert work_order.status == S.NEW
    assert work_order.meter == world.meter
    assert work_order.created_by == world.dispatcher
    assert work_order.instructions == "Dog in yard"
    assert work_order.origin == WorkOrder.Origin.COUNTER


def test_a_routine_order_cannot_be_requested_for_a_past_day(world):
    # when
    with pytest.raises(ValidationError) as refused:
        work_order_create(
            order_type=T.OTHER,
            premise=world.premise,
            by=world.dispatcher,
            requested_date=timezone.localdate() - datetime.timedelta(days=1),
        )

    # then
    assert "requested_date" in refused.value.message_dict
    assert not WorkOrder.objects.exists()


def test_an_emergency_may_be_recorded_for_a_past_day(world):
    # when
    work_order = work_order_create(
        order_type=T.OTHER,
        premise=world.premise,
        by=world.dispatcher,
        requested_date=timezone.localdate() - datetime.timedelta(days=1),
        priority=P.EMERGENCY,
    )

    # then
    assert work_order.priority == P.EMERGENCY


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"order_type": "paint_hydrant"}, "order_type"),
        ({"priority": "whenever"}, "priority"),
        ({"origin": "rumour"}, "origin"),
        (
            {"window_start": datetime.time(14, 0), "window_end": datetime.time(9, 0)},
            "window_end",
        ),
    ],
)
def test_bad_order_details_are_refused_by_field(world, changes, field):
    # given
    arguments = {
        "order_type": T.OTHER,
        "premise": world.premise,
        "by": world.dispatcher,
        "requested_date": timezone.localdate(),
        **changes,
    }

    # when
    with pytest.raises(ValidationError) as refused:
        work_order_create(**arguments)

    # then
    assert field in refused.value.message_dict
    assert not WorkOrder.objects.exists()


def test_a_read_order_needs_a_meter_at_the_premise(world):
    # given
    bare = PremiseFactory()

    # when
    with pytest.raises(ValidationError) as refused:
        work_order_create(
            order_type=T.FINAL_READ,
            premise=bare,
            by=world.dispatcher,
            requested_date=timezone.localdate(),
        )

    # then
    assert "No meter is installed" in refused.value.message_dict["order_type"][0]
    assert not WorkOrder.objects.exists()


# -- schedule, assign, dispatch


def test_scheduling_beyond_capacity_is_allowed_and_flagged(world):
    # given
    TechnicianCapacity.objects.create(technician=world.technician, orders_per_day=1)
    world.order(status=S.SCHEDULED)
    second = world.order(status=S.NEW)

    # when
    result = work_order_schedule(
        work_order=second,
        scheduled_date=timezone.localdate(),
        assigned_to=world.technician,
        by=world.dispatcher,
    )

    # then
    assert result.over_capacity is True
    assert (result.load, result.capacity) == (2, 1)
    assert WorkOrder.objects.get(pk=second.pk).status == S.SCHEDULED


def test_scheduling_within_capacity_is_not_flagged(world):
    # given
    work_order = world.order(status=S.NEW)

    # when
    result = work_order_schedule(
        work_order=work_order,
        scheduled_date=timezone.localdate(),
        assigned_to=world.technician,
        by=world.dispatcher,
    )

    # then
    assert result.over_capacity is False
    assert (result.load, result.capacity) == (1, 8)


def test_only_a_field_technician_can_be_given_an_order(world):
    # given
    work_order = world.order(status=S.NEW)

    # when
    with pytest.raises(ValidationError) as refused:
        work_order_schedule(
            work_order=work_order,
            scheduled_date=timezone.localdate(),
            assigned_to=world.dispatcher,
            by=world.dispatcher,
        )

    # then
    assert "not a field technician" in refused.value.message_dict["assigned_to"][0]
    work_order.refresh_from_db()
    assert (work_order.status, work_order.assigned_to) == (S.NEW, None)


def test_an_order_cannot_be_scheduled_for_a_past_day(world):
    # given
    work_order = world.order(status=S.NEW)

    # when
    with pytest.raises(ValidationError) as refused:
        work_order_schedule(
            work_order=work_order,
            scheduled_date=timezone.localdate() - datetime.timedelta(days=1),
            by=world.dispatcher,
        )

    # then
    assert "scheduled_date" in refused.value.message_dict
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.NEW


def test_a_technician_cannot_schedule_or_dispatch(world):
    # given
    work_order = world.order(status=S.NEW)

    # when / then
    with pytest.raises(PermissionDenied):
        work_order_schedule(
            work_order=work_order, scheduled_date=timezone.localdate(), by=world.technician
        )
    with pytest.raises(PermissionDenied):
        work_order_dispatch(work_order=work_order, by=world.technician, technician=world.technician)
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.NEW


def test_dispatch_needs_a_technician(world):
    # given
    work_order = world.order(status=S.NEW)

    # when
    with pytest.raises(ValidationError) as refused:
        work_order_dispatch(work_order=work_order, by=world.dispatcher)

    # then
    assert "technician" in refused.value.message_dict
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.NEW


def test_an_emergency_can_be_dispatched_straight_from_new(world):
    # given
    work_order = world.order(status=S.NEW, priority=P.EMERGENCY)

    # when
    dispatched = work_order_dispatch(
        work_order=work_order, by=world.dispatcher, technician=world.technician
    )

    # then
    assert dispatched.status == S.DISPATCHED
    assert dispatched.assigned_to == world.technician
    assert dispatched.scheduled_date == timezone.localdate()
    assert dispatched.dispatched_at is not None


def test_assigning_moves_the_order_to_another_technician_keeping_its_status(world):
    # given
    work_order = world.order(status=S.DISPATCHED)

    # when
    result = work_order_assign(
        work_order=work_order, technician=world.other_technician, by=world.dispatcher
    )

    # then
    assert result.work_order.assigned_to == world.other_technician
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DISPATCHED


def test_a_started_order_cannot_be_given_to_another_technician(world):
    # given
    work_order = world.order(status=S.IN_PROGRESS)

    # when
    with pytest.raises(ValidationError):
        work_order_assign(
            work_order=work_order, technician=world.other_technician, by=world.dispatcher
        )

    # then
    assert WorkOrder.objects.get(pk=work_order.pk).assigned_to == world.technician


# -- priority and cancel


def test_an_open_order_can_be_made_an_emergency(world):
    # given
    work_order = world.order(status=S.SCHEDULED)

    # when
    work_order_reprioritise(work_order=work_order, priority=P.EMERGENCY, by=world.dispatcher)

    # then
    assert WorkOrder.objects.get(pk=work_order.pk).priority == P.EMERGENCY


def test_a_completed_order_keeps_its_priority(world):
    # given
    work_order = world.order(status=S.COMPLETED)

    # when
    with pytest.raises(ValidationError):
        work_order_reprioritise(work_order=work_order, priority=P.EMERGENCY, by=world.dispatcher)

    # then
    assert WorkOrder.objects.get(pk=work_order.pk).priority == P.ROUTINE


def test_cancelling_needs_a_reason(world):
    # given
    work_order = world.order(status=S.SCHEDULED)

    # when
    with pytest.raises(ValidationError) as refused:
        work_order_cancel(work_order=work_order, by=world.dispatcher, reason="   ")

    # then
    assert "reason" in refused.value.message_dict
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.SCHEDULED


def test_a_technician_cannot_cancel(world):
    # given
    work_order = world.order(status=S.DISPATCHED)

    # when
    with pytest.raises(PermissionDenied):
        work_order_cancel(work_order=work_order, by=world.technician, reason="Not needed")

    # then
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DISPATCHED


# -- selectors


def test_the_technicians_day_puts_emergencies_first_then_route_order(world):
    # given
    late_in_route, _meter = world.premise_with_meter(route="R02", read_sequence=10)
    early_in_route, _meter = world.premise_with_meter(route="R01", read_sequence=5)
    far, _meter = world.premise_with_meter(route="R09", read_sequence=900)
    routine_late = world.order(premise=late_in_route)
    routine_early = world.order(premise=early_in_route)
    emergency = world.order(premise=far, priority=P.EMERGENCY)
    world.order(technician=world.other_technician)  # someone else's
    world.order(status=S.COMPLETED)  # done
    world.order(day=timezone.localdate() + datetime.timedelta(days=1), status=S.SCHEDULED)

    # when
    day = orders_for_technician(world.technician, timezone.localdate())

    # then
    assert day == [emergency, routine_early, routine_late]


def test_overdue_lists_open_orders_wanted_before_today(world):
    # given
    work_order = world.order(status=S.NEW)
    WorkOrder.objects.filter(pk=work_order.pk).update(
        requested_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    done = world.order(status=S.COMPLETED)
    WorkOrder.objects.filter(pk=done.pk).update(
        requested_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    world.order(status=S.NEW)  # wanted today

    # when
    late = list(overdue())

    # then
    assert late == [work_order]


def test_open_orders_put_the_most_urgent_first(world):
    # given
    routine = world.order(status=S.NEW)
    same_day = world.order(status=S.NEW, priority=P.SAME_DAY)
    emergency = world.order(status=S.NEW, priority=P.EMERGENCY)
    world.order(status=S.COMPLETED)

    # when
    listed = list(open_orders())

    # then
    assert listed == [emergency, same_day, routine]
