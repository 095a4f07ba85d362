"""Meter reads: validation, flags (zero, rollover, high, low, estimated) and corrections."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from district.models import Policy
from field_ops import selectors
from field_ops.models import MeterRead
from field_ops.services.reads import read_correct, read_record
from tests.factories import MeterFactory

pytestmark = pytest.mark.django_db

FEB = datetime.date(2025, 2, 1)


def _record(meter, reading, clerk, read_on=FEB, source=MeterRead.Source.ROUTE, **extra):
    return read_record(
        meter=meter, read_on=read_on, reading=reading, source=source, by=clerk, **extra
    )


def test_a_read_is_recorded_with_who_and_no_flags_for_normal_use(clerk, installed):
    # given
    meter = installed(reading=100)

    # when
    read = _record(meter, "112.25", clerk, note=" gate code 1234 ")

    # then
    assert read.reading == Decimal("112.25")
    assert read.flags == []
    assert read.entered_by == clerk
    assert read.note == "gate code 1234"


@pytest.mark.parametrize(
    ("reading", "message"),
    [
        ("-1", "cannot be negative"),
        ("10.555", "at most two decimals"),
        ("abc", "as a number"),
        ("1000000", "6 dials"),
    ],
)
def test_bad_readings_are_refused(clerk, installed, reading, message):
    meter = installed(reading=0)
    with pytest.raises(ValidationError) as refused:
        _record(meter, reading, clerk)
    assert message in refused.value.message_dict["reading"][0]
    assert MeterRead.objects.filter(meter=meter).count() == 1  # the install read only


def test_a_meter_not_installed_on_the_read_date_is_refused(clerk, installed):
    # given
    not_installed = MeterFactory()
    meter = installed()

    # when
    with pytest.raises(ValidationError) as never:
        _record(not_installed, 5, clerk)
    with pytest.raises(ValidationError) as before_install:
        _record(meter, 5, clerk, read_on=datetime.date(2024, 12, 1))

    # then
    assert "was not installed on" in never.value.message_dict["read_on"][0]
    assert "was not installed on 12/01/2024" in before_install.value.message_dict["read_on"][0]
    assert not MeterRead.objects.filter(meter=not_installed).exists()


def test_a_read_dated_before_the_previous_read_is_refused(clerk, installed):
    # given
    meter = installed(reading=0)
    _record(meter, 10, clerk, read_on=datetime.date(2025, 3, 1))

    # when
    with pytest.raises(ValidationError) as refused:
        _record(meter, 12, clerk, read_on=datetime.date(2025, 2, 15))

    # then
    assert "03/01/2025" in refused.value.message_dict["read_on"][0]
    assert MeterRead.objects.filter(meter=meter).count() == 2


def test_a_future_read_is_refused(clerk, installed):
    meter = installed()
    with pytest.raises(ValidationError) as refused:
        _record(meter, 5, clerk, read_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "future" in refused.value.message_dict["read_on"][0]


def test_a_backwards_read_that_is_not_a_rollover_is_refused(clerk, installed):
    # given
    meter = installed(reading=500)

    # when
    with pytest.raises(ValidationError) as refused:
        _record(meter, 400, clerk)

    # then
    message = refused.value.message_dict["reading"][0]
    assert "lower than the last read" in message and "not a register rollover" in message
    assert MeterRead.objects.filter(meter=meter).count() == 1


def test_rollover_uses_the_meters_dials(clerk, installed):
    # given: 4 dials roll over after 9,999; 6 dials after 999,999
    four_dials = installed(reading=9990, dials=4)
    six_dials = installed(reading=9990, dials=6)

    # when
    read = _record(four_dials, 20, clerk)
    with pytest.raises(ValidationError):
        _record(six_dials, 20, clerk)  # 990,030 units would be absurd

    # then: 20 + 10,000 - 9,990 = 30 units
    assert MeterRead.Flag.ROLLOVER in read.flags


def test_zero_use_is_flagged(clerk, installed):
    meter = installed(reading=100)
    assert _record(meter, 100, clerk).flags == [MeterRead.Flag.ZERO]


def test_estimates_are_flagged_estimated(clerk, installed):
    meter = installed(reading=100)
    read = _record(meter, 110, clerk, source=MeterRead.Source.ESTIMATE)
    assert MeterRead.Flag.ESTIMATED in read.flags


def test_high_and_low_compare_with_the_average_of_recent_periods(clerk, installed, monthly_reads):
    # given: about 10 units a month for six months
    meter = installed(reading=0)
    reads = monthly_reads(meter, [10, 20, 30, 40, 50, 60])  # Feb..Jul 2025
    assert all(read.flags == [] for read in reads[1:])

    # when: August uses 35 (high), then September uses 2 (low), October 10 (normal)
    high = _record(meter, 95, clerk, read_on=datetime.date(2025, 8, 1))
    low = _record(meter, 97, clerk, read_on=datetime.date(2025, 9, 1))
    normal = _record(meter, 107, clerk, read_on=datetime.date(2025, 10, 1))

    # then
    assert high.flags == [MeterRead.Flag.HIGH]
    assert low.flags == [MeterRead.Flag.LOW]
    assert normal.flags == []


def test_high_and_low_follow_the_districts_read_policies(clerk, installed, monthly_reads):
    # given: about 10 units a month, and a supervisor who allows up to four times usual use
    meter = installed(reading=0)
    monthly_reads(meter, [10, 20, 30, 40, 50, 60])
    Policy.objects.filter(key="read-high-percent").update(value="400")

    # when: August uses 35 (high at the default 200%), September 70 (five times the usual)
    august = _record(meter, 95, clerk, read_on=datetime.date(2025, 8, 1))
    september = _record(meter, 165, clerk, read_on=datetime.date(2025, 9, 1))

    # then: the field's flags use the same percent billing asks a confirmation with
    assert august.flags == []
    assert september.flags == [MeterRead.Flag.HIGH]


def test_tiny_usage_is_not_flagged_high_or_low_below_the_floor(clerk, installed, monthly_reads):
    # given: a vacant house using a fraction of a unit a month
    meter = installed(reading=0)
    monthly_reads(meter, ["0.2", "0.4", "0.6", "0.8"])

    # when: 1 unit (5x the usual, but under the floor)
    read = _record(meter, "1.8", clerk, read_on=datetime.date(2025, 6, 1))

    # then
    assert read.flags == []


def test_correction_supersedes_the_read_and_keeps_both(clerk, installed):
    # given
    meter = installed(reading=100)
    wrong = _record(meter, 190, clerk)

    # when
    corrected = read_correct(read=wrong, reading=119, by=clerk, reason="Misread the 9 as a 1")

    # then
    assert corrected.supersedes == wrong
    assert corrected.read_on == wrong.read_on
    assert MeterRead.Flag.CORRECTED in corrected.flags
    assert corrected.note == "Misread the 9 as a 1"
    wrong.refresh_from_db()
    assert wrong.reading == 190  # the old read stays as it was
    assert selectors.last_read(meter) == corrected
    assert wrong not in selectors.current_reads(meter)
    assert MeterRead.objects.filter(meter=meter).count() == 3


def test_a_read_is_corrected_once(clerk, installed):
    # given
    meter = installed(reading=100)
    wrong = _record(meter, 190, clerk)
    read_correct(read=wrong, reading=119, by=clerk, reason="misread")

    # when
    with pytest.raises(ValidationError) as refused:
        read_correct(read=wrong, reading=118, by=clerk, reason="again")

    # then
    assert "already corrected" in refused.value.message_dict["reading"][0]
    assert MeterRead.objects.filter(meter=meter).count() == 3


def test_the_database_keeps_one_correction_a_read_in_an_index_of_corrections_only(clerk, installed):
    # given a read and its correction
    meter = installed(reading=100)
    wrong = _record(meter, 190, clerk)
    read_correct(read=wrong, reading=119, by=clerk, reason="misread")

    # when a second correction of it is written past the service
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        MeterRead.objects.create(
            meter=meter, read_on=FEB, reading=118, source="route", supersedes=wrong
        )

    # then the unique index of corrections refuses it, and it holds the correction alone
    assert "meter_read_corrected_once" in str(refused.value)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'meter_read_corrected_once'"
        )
        assert cursor.fetchone()[0].endswith("WHERE (supersedes_id IS NOT NULL)")
    assert MeterRead.objects.filter(corrections__isnull=True, meter=meter).count() == 2


def test_correction_needs_a_reason_and_a_plausible_reading(clerk, installed):
    # given
    meter = installed(reading=100)
    read = _record(meter, 120, clerk)
    later = _record(meter, 130, clerk, read_on=datetime.date(2025, 3, 1))

    # when
    with pytest.raises(ValidationError) as no_reason:
        read_correct(read=read, reading=121, by=clerk, reason="  ")
    with pytest.raises(ValidationError) as below_previous:
        read_correct(read=read, reading=90, by=clerk, reason="typo")
    with pytest.raises(ValidationError) as above_next:
        read_correct(read=read, reading=140, by=clerk, reason="typo")

    # then
    assert "reason" in no_reason.value.message_dict
    assert "lower than the last read" in below_previous.value.message_dict["reading"][0]
    assert "higher than the next read" in above_next.value.message_dict["reading"][0]
    assert selectors.current_reads(meter)[0] == later
    assert MeterRead.objects.filter(meter=meter).count() == 3


def test_correcting_an_estimate_with_an_actual_read(clerk, installed):
    meter = installed(reading=100)
    estimate = _record(meter, 110, clerk, source=MeterRead.Source.ESTIMATE)
    actual = read_correct(
        read=estimate, reading=114, by=clerk, reason="Actual read", source=MeterRead.Source.ROUTE
    )
    assert actual.source == MeterRead.Source.ROUTE
    assert MeterRead.Flag.ESTIMATED not in actual.flags


def test_the_database_refuses_to_update_or_delete_a_read(clerk, installed):
    # given
    meter = installed(reading=100)
    read = _record(meter, 110, clerk)

    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        MeterRead.objects.filter(pk=read.pk).update(reading=111)
    with pytest.raises(DatabaseError), transaction.atomic():
        MeterRead.objects.filter(pk=read.pk).delete()
    read.refresh_from_db()
    assert read.reading == 110


def test_the_install_read_is_the_previous_read_of_the_first_route_read(clerk, installed):
    meter = installed(reading=100)
    with pytest.raises(ValidationError):
        _record(meter, 99, clerk)
    assert _record(meter, 101, clerk).flags == []
