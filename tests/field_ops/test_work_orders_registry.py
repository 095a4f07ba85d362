"""The completion-handler registry: each handler once per completion, a failure rolls all back."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from field_ops import completion
from field_ops.completion import register_completion_handler, unregister_completion_handler
from field_ops.models import MeterRead, WorkOrder
from field_ops.work_orders import work_order_complete

pytestmark = pytest.mark.django_db

T = WorkOrder.Type


def test_a_handler_runs_exactly_once_per_completion_with_what_was_recorded(world):
    # given
    calls = []
    register_completion_handler(
        T.TURN_ON,
        lambda work_order, done, by: calls.append((work_order.pk, done, by)),
        name="test.record",
    )
    first, second = world.order(T.TURN_ON), world.order(T.TURN_ON)
    world.order(T.RE_READ)  # another type: its completion does not call the handler

    # when
    work_order_complete(work_order=first, by=world.technician, data={"reading": "150"})
    work_order_complete(work_order=second, by=world.technician, data={"reading": "160"})

    # then
    assert [(pk, done["reading"], by) for pk, done, by in calls] == [
        (first.pk, "150.00", world.technician),
        (second.pk, "160.00", world.technician),
    ]
    read = MeterRead.objects.get(reading="150")
    assert calls[0][1]["meter_read_id"] == read.pk  # field_ops' own effect comes first


def test_registering_a_name_again_runs_it_once_and_refuses_another_handler(world):
    # given
    calls = []

    def handler(work_order, done, by):
        calls.append(work_order.pk)

    for _ in range(2):  # as when an AppConfig.ready() runs twice
        register_completion_handler(T.OTHER, handler, name="test.once")
    with pytest.raises(ImproperlyConfigured):
        register_completion_handler(T.OTHER, lambda *_: None, name="test.once")
    work_order = world.order(T.OTHER)

    # when
    work_order_complete(work_order=work_order, by=world.technician, data={"notes": "Done"})

    # then
    assert calls == [work_order.pk]


def test_several_handlers_of_a_type_each_run_in_the_order_registered(world):
    # given
    calls = []
    register_completion_handler(T.OTHER, lambda *_: calls.append("first"), name="test.first")
    register_completion_handler(T.OTHER, lambda *_: calls.append("second"), name="test.second")
    work_order = world.order(T.OTHER)

    # when
    work_order_complete(work_order=work_order, by=world.technician, data={"notes": "Done"})

    # then
    assert calls == ["first", "second"]


@pytest.mark.parametrize("failure", [ValidationError("Account is closed."), RuntimeError("boom")])
def test_a_failing_handler_rolls_the_whole_completion_back(world, failure):
    # given
    def refuse(work_order, done, by):
        raise failure

    register_completion_handler(T.TURN_ON, refuse, name="test.refuse")
    work_order = world.order(T.TURN_ON)
    reads_before = MeterRead.objects.count()

    # when
    with pytest.raises(type(failure)):
        work_order_complete(work_order=work_order, by=world.technician, data={"reading": "150"})

    # then
    assert MeterRead.objects.count() == reads_before
    still_open = WorkOrder.objects.get(pk=work_order.pk)
    assert still_open.status == WorkOrder.Status.DISPATCHED
    assert (still_open.completion, still_open.completed_at) == ({}, None)


def test_a_handler_cannot_change_what_the_next_one_sees(world):
    # given
    seen = []

    def meddle(work_order, done, by):
        done["reading"] = "0.00"

    register_completion_handler(T.RE_READ, meddle, name="test.meddle")
    register_completion_handler(
        T.RE_READ, lambda work_order, done, by: seen.append(done["reading"]), name="test.see"
    )
    work_order = world.order(T.RE_READ)

    # when
    done = work_order_complete(work_order=work_order, by=world.technician, data={"reading": "150"})

    # then
    assert seen == ["150.00"]
    assert done.completion["reading"] == "150.00"


def test_an_unregistered_handler_no_longer_runs(world):
    # given
    calls = []
    register_completion_handler(T.OTHER, lambda *_: calls.append(1), name="test.gone")
    unregister_completion_handler(T.OTHER, name="test.gone")
    work_order = world.order(T.OTHER)

    # when
    work_order_complete(work_order=work_order, by=world.technician, data={"notes": "Done"})

    # then
    assert calls == []


def test_a_handler_for_an_unknown_type_is_refused(world):
    with pytest.raises(ValueError, match="Unknown work order type"):
        register_completion_handler("paint_hydrant", lambda *_: None, name="test.paint")
    assert completion.completion_handlers("paint_hydrant") == []
