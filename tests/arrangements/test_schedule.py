import datetime
from decimal import Decimal

import pytest

from billing.arrangements.schedule import arrangement_schedule, term_months
from district.errors import ServiceError


def test_the_schedule_splits_to_the_cent_with_the_remainder_on_the_last():
    # when
    schedule = arrangement_schedule(Decimal("100.00"), 3, datetime.date(2027, 1, 15))
    # then
    assert schedule == [
        (datetime.date(2027, 1, 15), Decimal("33.33")),
        (datetime.date(2027, 2, 15), Decimal("33.33")),
        (datetime.date(2027, 3, 15), Decimal("33.34")),
    ]
    assert sum(amount for _, amount in schedule) == Decimal("100.00")


def test_an_odd_amount_over_seven_installments_adds_up_exactly():
    schedule = arrangement_schedule("1234.57", 7, datetime.date(2027, 1, 1))
    assert [amount for _, amount in schedule] == [Decimal("176.36")] * 6 + [Decimal("176.41")]
    assert sum(amount for _, amount in schedule) == Decimal("1234.57")


def test_monthly_dates_keep_the_day_or_the_months_last_day():
    schedule = arrangement_schedule("90", 3, datetime.date(2027, 1, 31))
    assert [day for day, _ in schedule] == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
    ]


def test_weekly_and_biweekly_rhythms():
    weekly = arrangement_schedule("30", 3, datetime.date(2027, 1, 4), every="week")
    biweekly = arrangement_schedule("30", 3, datetime.date(2027, 1, 4), every="2weeks")
    assert [day for day, _ in weekly] == [
        datetime.date(2027, 1, 4), datetime.date(2027, 1, 11), datetime.date(2027, 1, 18)
    ]  # fmt: skip
    assert [day for day, _ in biweekly] == [
        datetime.date(2027, 1, 4), datetime.date(2027, 1, 18), datetime.date(2027, 2, 1)
    ]  # fmt: skip


def test_a_schedule_of_less_than_a_cent_each_is_refused():
    with pytest.raises(ServiceError) as refused:
        arrangement_schedule("0.05", 6, datetime.date(2027, 1, 4))
    assert refused.value.message_dict == {
        "count": ["Too many installments for this amount (each under a cent)."]
    }


def test_term_months_counts_whole_months():
    assert term_months(datetime.date(2027, 1, 10), datetime.date(2028, 1, 15)) == 12
    assert term_months(datetime.date(2027, 1, 10), datetime.date(2028, 1, 9)) == 11
    assert term_months(datetime.date(2027, 1, 10), datetime.date(2028, 2, 10)) == 13
