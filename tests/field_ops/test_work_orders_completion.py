"""Completing each type of order: what it must record, its effects, and nothing written on refusal."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from field_ops import completion
from field_ops.models import Meter, MeterInstallation, MeterRead, MeterTest, WorkOrder
from field_ops.services.reads import read_record
from field_ops.work_orders import work_order_complete
from tests.factories import MeterFactory

pytestmark = pytest.mark.django_db

S = WorkOrder.Status
T = WorkOrder.Type


def _snapshot():
    """Counts of everything a completion may write."""
    return (
        MeterRead.objects.count(),
        MeterInstallation.objects.count(),
        MeterTest.objects.count(),
        list(Meter.objects.order_by("pk").values_list("status", flat=True)),
    )


def _assert_refused(world, work_order, data, field, before, message=""):
    with pytest.raises(ValidationError) as refused:
        work_order_complete(work_order=work_order, by=world.technician, data=data)
    errors = refused.value.message_dict
    assert field in errors, errors
    if message:
        assert message in " ".join(errors[field])
    work_order.refresh_from_db()
    assert work_order.status == S.DISPATCHED
    assert work_order.completion == {}
    assert work_order.completed_at is None
    assert _snapshot() == before


# -- reads


@pytest.mark.parametrize("order_type", completion.READ_TYPES)
def test_a_read_order_records_a_field_order_read(world, order_type):
    # given
    work_order = world.order(order_type)

    # when
    done = work_order_complete(
        work_order=work_order, by=world.technician, data={"reading": " 1,234.5 "}
    )

    # then
    read = MeterRead.objects.get(
        meter=world.meter, source=MeterRead.Source.FIELD_ORDER, read_on=timezone.localdate()
    )
    assert read.reading == Decimal("1234.50")
    assert read.entered_by == world.technician
    assert done.status == S.COMPLETED
    assert done.completed_by == world.technician
    assert done.completed_at is not None
    assert done.completion["reading"] == "1234.50"
    assert done.completion["meter_read_id"] == read.pk
    json.dumps(WorkOrder.objects.get(pk=done.pk).completion)  # stored as plain JSON


@pytest.mark.parametrize(
    ("reading", "message"),
    [
        ("", "Enter the reading"),
        ("abc", "as a number"),
        ("-3", "cannot be negative"),
        ("12.345", "two decimals"),
        ("NaN", "as a number"),
        ("50", "lower than the last read"),  # the meter was installed reading 100
    ],
)
def test_a_bad_reading_is_refused_next_to_the_field_and_nothing_is_written(world, reading, message):
    # given
    work_order = world.order(T.TURN_ON)
    before = _snapshot()

    # then
    _assert_refused(world, work_order, {"reading": reading}, "reading", before, message)


def test_the_reading_goes_to_the_meter_installed_when_the_order_named_none(world):
    # given
    work_order = world.order(T.RE_READ)
    WorkOrder.objects.filter(pk=work_order.pk).update(meter=None)
    work_order.refresh_from_db()

    # when
    done = work_order_complete(work_order=work_order, by=world.technician, data={"reading": "120"})

    # then
    assert done.completion["meter_serial"] == world.meter.serial
    assert MeterRead.objects.filter(meter=world.meter, reading=Decimal("120")).exists()


# -- meter exchange


def test_a_meter_exchange_keeps_the_meter_history_consistent(world):
    # given
    new_meter = MeterFactory(serial="NEW0001")
    work_order = world.order(T.METER_EXCHANGE)
    today = timezone.localdate()

    # when
    done = work_order_complete(
        work_order=work_order,
        by=world.technician,
        data={
            "old_serial": world.meter.serial.lower(),
            "old_reading": "180.25",
            "new_serial": "new 0001",
            "new_reading": "0",
        },
    )

    # then
    old_installation = MeterInstallation.objects.get(meter=world.meter)
    assert old_installation.removed_on == today
    assert old_installation.removal_reading == Decimal("180.25")
    new_installation = MeterInstallation.objects.get(meter=new_meter)
    assert (new_installation.premise, new_installation.removed_on) == (world.premise, None)
    assert new_installation.install_reading == Decimal("0")
    assert MeterRead.objects.filter(meter=world.meter, read_on=today, reading=Decimal("180.25"))
    assert MeterRead.objects.filter(meter=new_meter, read_on=today, reading=Decimal("0"))
    world.meter.refresh_from_db()
    new_meter.refresh_from_db()
    assert (world.meter.status, new_meter.status) == (Meter.Status.REMOVED, Meter.Status.INSTALLED)
    assert done.completion["new_serial"] == "NEW0001"
    assert done.completion["installation_id"] == new_installation.pk


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"old_serial": "WRONG1"}, "old_serial", "on record here is"),
        ({"old_serial": ""}, "old_serial", "meter you took out"),
        ({"new_serial": "NOPE999"}, "new_serial", "No meter NOPE999"),
        ({"new_serial": "INSTALLED1"}, "new_serial", "not in stock"),
        ({"old_reading": "abc"}, "old_reading", "as a number"),
        ({"new_reading": ""}, "new_reading", "Enter the reading"),
        ({"old_reading": "20"}, "old_reading", "lower than the last read"),
    ],
)
def test_a_bad_meter_exchange_is_refused_and_nothing_moves(world, change, field, message):
    # given
    MeterFactory(serial="NEW0001")
    world.premise_with_meter(reading=0)  # puts a meter in the ground elsewhere
    Meter.objects.filter(status=Meter.Status.INSTALLED).exclude(pk=world.meter.pk).update(
        serial="INSTALLED1"
    )
    work_order = world.order(T.METER_EXCHANGE)
    before = _snapshot()
    data = {
        "old_serial": world.meter.serial,
        "old_reading": "180",
        "new_serial": "NEW0001",
        "new_reading": "0",
        **change,
    }

    # then
    _assert_refused(world, work_order, data, field, before, message)


# -- meter test


def test_a_meter_test_records_the_accuracy(world):
    # given
    work_order = world.order(T.METER_TEST)

    # when
    done = work_order_complete(
        work_order=work_order,
        by=world.technician,
        data={"accuracy_percent": "99.25", "passed": "yes", "notes": "Bench rig 2"},
    )

    # then
    test = MeterTest.objects.get(work_order=done)
    assert (test.meter, test.accuracy_percent, test.passed) == (
        world.meter,
        Decimal("99.25"),
        True,
    )
    assert test.tested_by == world.technician
    assert done.completion == {
        "meter_id": world.meter.pk,
        "meter_serial": world.meter.serial,
        "accuracy_percent": "99.25",
        "passed": True,
        "notes": "Bench rig 2",
        "meter_test_id": test.pk,
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"accuracy_percent": "250", "passed": "no"}, "accuracy_percent"),
        ({"accuracy_percent": "-1", "passed": "no"}, "accuracy_percent"),
        ({"accuracy_percent": "ninety", "passed": "no"}, "accuracy_percent"),
        ({"accuracy_percent": "99.1"}, "passed"),
    ],
)
def test_a_bad_meter_test_is_refused(world, data, field):
    # given
    work_order = world.order(T.METER_TEST)
    before = _snapshot()

    # then
    _assert_refused(world, work_order, data, field, before)


# -- leak and high-bill investigations


@pytest.mark.parametrize("order_type", [T.LEAK_INVESTIGATION, T.HIGH_BILL_INVESTIGATION])
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"leak_found": "yes", "leak_location": "Front toilet flapper", "notes": "Told owner"},
            {"leak_found": True, "leak_location": "Front toilet flapper", "notes": "Told owner"},
        ),
        (
            {"leak_found": "no", "leak_location": "ignored when no leak"},
            {"leak_found": False, "leak_location": "", "notes": ""},
        ),
    ],
)
def test_an_investigation_records_whether_and_where_a_leak_was_found(
    world, order_type, data, expected
):
    # given
    work_order = world.order(order_type)

    # when
    done = work_order_complete(work_order=work_order, by=world.technician, data=data)

    # then
    assert done.completion == expected


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"leak_found": "yes", "leak_location": "  "}, "leak_location"),
        ({"leak_location": "Kitchen"}, "leak_found"),
        ({"leak_found": "maybe"}, "leak_found"),
    ],
)
def test_a_leak_without_its_place_is_refused(world, data, field):
    # given
    work_order = world.order(T.LEAK_INVESTIGATION)
    before = _snapshot()

    # then
    _assert_refused(world, work_order, data, field, before)


# -- door hanger


def test_a_door_hanger_records_the_time_the_notice_was_left(world):
    # given
    work_order = world.order(T.DOOR_HANGER)

    # when
    done = work_order_complete(
        work_order=work_order, by=world.technician, data={"notice_left": True, "time_left": "9:05"}
    )

    # then
    assert done.completion == {"notice_left": True, "time_left": "09:05"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"notice_left": False, "time_left": "09:05"}, "notice_left"),
        ({"time_left": "09:05"}, "notice_left"),
        ({"notice_left": True, "time_left": "25:00"}, "time_left"),
        ({"notice_left": True, "time_left": ""}, "time_left"),
    ],
)
def test_a_door_hanger_not_left_or_without_a_time_is_refused(world, data, field):
    # given
    work_order = world.order(T.DOOR_HANGER)
    before = _snapshot()

    # then
    _assert_refused(world, work_order, data, field, before)


# -- hydrant meters


@pytest.mark.parametrize("order_type", [T.HYDRANT_METER_SET, T.HYDRANT_METER_PICKUP])
def test_a_hydrant_order_records_the_hydrant_meter_and_its_reading(world, order_type):
    # given
    work_order = world.order(order_type)

    # when
    done = work_order_complete(
        work_order=work_order,
        by=world.technician,
        data={"hydrant_meter_serial": "hm 42", "reading": "310"},
    )

    # then
    assert done.completion == {"hydrant_meter_serial": "HM42", "reading": "310.00"}


@pytest.mark.parametrize(
    ("data", "field"),
    [({"reading": "310"}, "hydrant_meter_serial"), ({"hydrant_meter_serial": "HM42"}, "reading")],
)
def test_a_hydrant_order_without_serial_or_reading_is_refused(world, data, field):
    # given
    work_order = world.order(T.HYDRANT_METER_SET)
    before = _snapshot()

    # then
    _assert_refused(world, work_order, data, field, before)


# -- other


def test_other_work_records_what_was_done(world):
    # given
    work_order = world.order(T.OTHER)

    # when
    done = work_order_complete(
        work_order=work_order, by=world.technician, data={}, notes="Raised the meter box"
    )

    # then
    assert done.completion == {"notes": "Raised the meter box"}
    assert done.completion_notes == "Raised the meter box"


def test_other_work_without_notes_is_refused(world):
    # given
    work_order = world.order(T.OTHER)
    before = _snapshot()

    # then
    _assert_refused(world, work_order, {"notes": "   "}, "notes", before, "Say what you did")


# -- who may complete


def test_another_technician_cannot_complete_an_order(world):
    # given
    work_order = world.order(T.RE_READ)
    before = _snapshot()

    # when
    with pytest.raises(PermissionDenied):
        work_order_complete(
            work_order=work_order, by=world.other_technician, data={"reading": "150"}
        )

    # then
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DISPATCHED
    assert _snapshot() == before


def test_a_crew_lead_can_complete_anyones_order(world):
    # given
    work_order = world.order(T.RE_READ)

    # when
    done = work_order_complete(work_order=work_order, by=world.lead, data={"reading": "150"})

    # then
    assert (done.status, done.completed_by) == (S.COMPLETED, world.lead)


def test_every_type_has_a_spec_with_fields():
    assert set(completion.SPECS) == set(WorkOrder.Type.values)
    assert all(spec.fields for spec in completion.SPECS.values())


def test_a_re_read_below_the_checked_read_corrects_the_misread(world):
    # given: a misread of 180 three days ago (the register really showed about 130)
    misread = read_record(
        meter=world.meter,
        read_on=timezone.localdate() - datetime.timedelta(days=3),
        reading=Decimal("180"),
        source=MeterRead.Source.ROUTE,
        by=world.dispatcher,
    )
    work_order = world.order(T.RE_READ)

    # when
    done = work_order_complete(work_order=work_order, by=world.technician, data={"reading": "131"})

    # then: the re-read supersedes the misread, which is kept
    corrected = MeterRead.objects.get(pk=done.completion["meter_read_id"])
    assert corrected.supersedes_id == misread.pk
    assert corrected.reading == Decimal("131")
    assert corrected.source == MeterRead.Source.FIELD_ORDER
    assert MeterRead.objects.filter(pk=misread.pk, reading=Decimal("180")).exists()
