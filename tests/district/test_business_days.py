"""The business-day calendar: weekends, California's legal holidays, observed days, closures."""

import datetime

import pytest

from district import roles
from district.business_days import (
    add_business_days,
    business_calendar,
    business_days_between,
    is_business_day,
    legal_holidays,
    office_closure_record,
    office_is_open,
)
from district.errors import NotPermitted, ServiceError

D = datetime.date


def test_the_legal_holidays_of_2027_fall_where_the_rules_put_them():
    holidays = legal_holidays(2027)
    assert holidays[D(2027, 1, 18)] == "Martin Luther King, Jr. Day"
    assert holidays[D(2027, 2, 15)] == "Presidents' Day"
    assert holidays[D(2027, 5, 31)] == "Memorial Day"
    assert holidays[D(2027, 9, 24)] == "Native American Day"
    assert holidays[D(2027, 11, 25)] == "Thanksgiving Day"
    assert holidays[D(2027, 11, 26)] == "Day after Thanksgiving"


@pytest.mark.django_db
def test_a_holiday_on_a_weekend_closes_the_observed_weekday():
    # July 4, 2026 is a Saturday; Christmas 2027 is a Saturday; New Year's 2028 too.
    assert not is_business_day(D(2026, 7, 3))
    assert not is_business_day(D(2027, 12, 24))
    # Juneteenth 2022 was a Sunday: the Monday is observed.
    assert not is_business_day(D(2022, 6, 20))


@pytest.mark.django_db
def test_business_days_skip_weekends_and_holidays():
    # Mon 2026-11-23; Thanksgiving Thu 26 and Fri 27 closed.
    assert add_business_days(D(2026, 11, 23), 1) == D(2026, 11, 24)
    assert add_business_days(D(2026, 11, 24), 2) == D(2026, 11, 30)
    assert business_days_between(D(2026, 11, 23), D(2026, 12, 1)) == 4
    assert business_days_between(D(2026, 12, 1), D(2026, 11, 23)) == 0
    # Counting zero days from a Saturday lands on the Monday.
    assert add_business_days(D(2026, 12, 5), 0) == D(2026, 12, 7)


@pytest.mark.django_db
def test_a_recorded_closure_and_a_recorded_opening_change_the_calendar(make_user):
    supervisor_user = make_user(roles.SUPERVISOR)
    office_closure_record(date=D(2026, 12, 8), reason="Storm: office closed", by=supervisor_user)
    office_closure_record(
        date=D(2026, 11, 11), reason="Open on Veterans Day", office_open=True, by=supervisor_user
    )
    calendar = business_calendar(D(2026, 11, 1), D(2026, 12, 31))
    assert calendar.closed_because(D(2026, 12, 8)) == "Storm: office closed"
    assert calendar.is_business_day(D(2026, 11, 11))
    assert add_business_days(D(2026, 12, 7), 1) == D(2026, 12, 9)


@pytest.mark.django_db
def test_a_closure_needs_a_reason_a_free_day_and_a_supervisor(make_user):
    supervisor_user, csr1_user = make_user(roles.SUPERVISOR), make_user(roles.CSR_I)
    with pytest.raises(ServiceError) as refused:
        office_closure_record(date=D(2026, 12, 8), reason=" ", by=supervisor_user)
    assert "reason" in refused.value.message_dict
    with pytest.raises(NotPermitted):
        office_closure_record(date=D(2026, 12, 8), reason="Storm", by=csr1_user)
    office_closure_record(date=D(2026, 12, 8), reason="Storm", by=supervisor_user)
    with pytest.raises(ServiceError):
        office_closure_record(date=D(2026, 12, 8), reason="Again", by=supervisor_user)


@pytest.mark.django_db
def test_the_office_is_open_within_its_hours_on_business_days_only():
    assert office_is_open(datetime.datetime(2026, 12, 7, 9, 0))
    assert not office_is_open(datetime.datetime(2026, 12, 7, 17, 0))
    assert not office_is_open(datetime.datetime(2026, 12, 7, 7, 59))
    assert not office_is_open(datetime.datetime(2026, 12, 5, 10, 0))
    assert not office_is_open(datetime.datetime(2026, 12, 25, 10, 0))


@pytest.mark.django_db
def test_the_office_calendar_page_lists_holidays_and_lets_a_supervisor_record_a_closure(
    client_for,
):
    client = client_for(roles.SUPERVISOR)
    page = client.get("/office-calendar/")
    assert page.status_code == 200
    assert "Christmas Day" in page.content.decode()
    refused = client.post("/office-calendar/", {"date": "2027-01-05", "reason": ""})
    assert refused.status_code == 400
    assert "Say why the office is closed" in refused.content.decode()
    client.post("/office-calendar/", {"date": "2027-01-05", "reason": "Flood: office closed"})
    assert not is_business_day(D(2027, 1, 5))
    page = client.get("/office-calendar/")
    assert "Flood: office closed" in page.content.decode()


@pytest.mark.django_db
def test_a_clerk_sees_the_office_calendar_but_cannot_change_it(client_for):
    client = client_for(roles.CSR_I)
    assert client.get("/office-calendar/").status_code == 200
    response = client.post("/office-calendar/", {"date": "2027-01-05", "reason": "Closed"})
    assert response.status_code == 403
    assert is_business_day(D(2027, 1, 5))
