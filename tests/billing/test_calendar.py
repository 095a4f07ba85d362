"""Billing cycles and periods: generation (monthly, every two months, idempotent), the dates
rule, scheduling a bill run, and the calendar and cycle pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.calendar.services import (
    cycle_create,
    cycle_update,
    period_schedule,
    period_unschedule,
    periods_generate,
)
from billing.models import BillingCycle, BillingPeriod
from district import roles
from district.policies import policy_update
from tests.factories import PremiseFactory

D = datetime.date


@pytest.fixture
def biller(make_user):
    return make_user(roles.CSR_II, "biller-bea")


def _cycle(code="M1", frequency="monthly", routes=("R01",), due_days=21):
    return BillingCycle.objects.create(
        code=code, name=f"Cycle {code}", frequency=frequency, routes=list(routes), due_days=due_days
    )


# -- generation


def test_monthly_periods_have_their_read_window_bill_date_and_due_date(biller):
    # given
    cycle = _cycle(due_days=21)

    # when
    created = periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 3, 1), by=biller)

    # then: the last 5 days of the period, 2 days either side; billed 5 days after; due 21 later
    assert [(period.period_start, period.period_end) for period in created] == [
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 31)),
    ]
    january = created[0]
    assert (january.read_window_start, january.read_window_end) == (D(2026, 1, 25), D(2026, 2, 2))
    assert (january.bill_date, january.due_date) == (D(2026, 2, 5), D(2026, 2, 26))
    assert january.status == BillingPeriod.Status.PLANNED
    assert BillingPeriod.objects.filter(cycle=cycle).count() == 3


def test_bimonthly_periods_run_two_months(biller):
    # given
    cycle = _cycle(code="B1", frequency="bimonthly", due_days=15)

    # when
    created = periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 6, 30), by=biller)

    # then
    assert [(period.period_start, period.period_end) for period in created] == [
        (D(2026, 1, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 4, 30)),
        (D(2026, 5, 1), D(2026, 6, 30)),
    ]
    assert created[0].read_window_start == D(2026, 2, 22)
    assert created[0].due_date == created[0].bill_date + datetime.timedelta(days=15)


def test_a_cycle_can_start_mid_month_so_routes_are_read_on_different_days(biller):
    # given
    cycle = _cycle(code="M15")

    # when
    created = periods_generate(cycle=cycle, start=D(2026, 1, 15), through=D(2026, 2, 15), by=biller)

    # then
    assert [(period.period_start, period.period_end) for period in created] == [
        (D(2026, 1, 15), D(2026, 2, 14)),
        (D(2026, 2, 15), D(2026, 3, 14)),
    ]


def test_generating_again_adds_nothing_and_continuing_adds_the_next_periods(biller):
    # given
    cycle = _cycle()
    periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 2, 1), by=biller)

    # when
    again = periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 2, 1), by=biller)
    nothing_new = periods_generate(cycle=cycle, through=D(2026, 2, 20), by=biller)
    more = periods_generate(cycle=cycle, through=D(2026, 4, 1), by=biller)

    # then
    assert again == [] and nothing_new == []
    assert [period.period_start for period in more] == [D(2026, 3, 1), D(2026, 4, 1)]
    assert BillingPeriod.objects.filter(cycle=cycle).count() == 4


def test_the_period_dates_follow_the_district_policies(biller, make_user):
    # given: a supervisor widens the window and bills later
    supervisor = make_user(roles.SUPERVISOR)
    policy_update(key="read-window-days", value="3", by=supervisor)
    policy_update(key="read-window-tolerance-days", value="1", by=supervisor)
    policy_update(key="bill-days-after-period-end", value="10", by=supervisor)
    cycle = _cycle(due_days=20)

    # when
    (period,) = periods_generate(cycle=cycle, start=D(2026, 4, 1), through=D(2026, 4, 1), by=biller)

    # then
    assert (period.read_window_start, period.read_window_end) == (D(2026, 4, 27), D(2026, 5, 1))
    assert (period.bill_date, period.due_date) == (D(2026, 5, 10), D(2026, 5, 30))


def test_the_bill_date_never_comes_before_the_read_window_closes(biller, make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    policy_update(key="read-window-tolerance-days", value="4", by=supervisor)
    policy_update(key="bill-days-after-period-end", value="1", by=supervisor)
    cycle = _cycle()

    # when
    (period,) = periods_generate(cycle=cycle, start=D(2026, 4, 1), through=D(2026, 4, 1), by=biller)

    # then
    assert period.read_window_end == D(2026, 5, 4)
    assert period.bill_date == D(2026, 5, 5)


@pytest.mark.parametrize(
    ("start", "through", "field", "message"),
    [
        (D(2026, 1, 29), D(2026, 3, 1), "start", "1st to the 28th"),
        (D(2026, 3, 1), D(2026, 2, 1), "through", "before the first period"),
        (D(2026, 1, 1), D(2030, 1, 1), "through", "At most 36 periods"),
    ],
)
def test_bad_generation_requests_are_refused(biller, start, through, field, message):
    # given
    cycle = _cycle()

    # when
    with pytest.raises(ValidationError) as refused:
        periods_generate(cycle=cycle, start=start, through=through, by=biller)

    # then
    assert message in refused.value.message_dict[field][0]
    assert not BillingPeriod.objects.exists()


def test_periods_that_would_overlap_existing_ones_are_refused(biller):
    # given
    cycle = _cycle()
    periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 2, 1), by=biller)

    # when
    with pytest.raises(ValidationError) as refused:
        periods_generate(cycle=cycle, start=D(2026, 1, 15), through=D(2026, 3, 1), by=biller)

    # then
    assert "would overlap" in refused.value.message_dict["start"][0]
    assert BillingPeriod.objects.filter(cycle=cycle).count() == 2


def test_a_clerk_without_billing_rights_cannot_generate_periods(make_user):
    # given
    cycle = _cycle()
    clerk = make_user(roles.CSR_I)

    # when
    with pytest.raises(ValidationError) as refused:
        periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 3, 1), by=clerk)

    # then
    assert "does not allow you to generate billing periods" in refused.value.messages[0]
    assert not BillingPeriod.objects.exists()


# -- cycles


def test_a_cycle_is_created_with_its_routes(biller):
    # given
    PremiseFactory(route="R01")
    PremiseFactory(route="R02")

    # when
    cycle = cycle_create(
        by=biller,
        code=" m1 ",
        name="Monthly west",
        frequency="monthly",
        routes="R02, R01 R02",
        due_days=21,
    )

    # then
    assert (cycle.code, cycle.routes, cycle.due_days) == ("M1", ["R01", "R02"], 21)


def test_a_route_is_billed_in_one_cycle_only_and_must_exist(biller):
    # given
    PremiseFactory(route="R01")
    _cycle(code="M1", routes=["R01"])

    # when
    with pytest.raises(ValidationError) as refused:
        cycle_create(
            by=biller, code="M2", name="Two", frequency="monthly", routes="R01 R99", due_days=21
        )

    # then
    messages = refused.value.message_dict["routes"]
    assert any("No premise is on route R99" in message for message in messages)
    assert any("already billed in cycle M1" in message for message in messages)
    assert not BillingCycle.objects.filter(code="M2").exists()


def test_a_duplicate_code_is_refused(biller):
    # given
    PremiseFactory(route="R05")
    _cycle(code="M1", routes=[])

    # when
    with pytest.raises(ValidationError) as refused:
        cycle_create(
            by=biller, code="m1", name="Again", frequency="monthly", routes="R05", due_days=21
        )

    # then
    assert refused.value.message_dict["code"] == ["Cycle M1 already exists."]
    assert BillingCycle.objects.count() == 1


def test_a_cycle_is_edited_but_keeps_its_code(biller):
    # given
    PremiseFactory(route="R01")
    PremiseFactory(route="R03")
    cycle = _cycle(routes=["R01"])

    # when
    cycle = cycle_update(
        cycle=cycle, by=biller, frequency="bimonthly", routes=["R03", "R01"], due_days=30
    )

    # then
    cycle.refresh_from_db()
    assert (cycle.code, cycle.frequency, cycle.routes, cycle.due_days) == (
        "M1",
        "bimonthly",
        ["R01", "R03"],
        30,
    )
    with pytest.raises(TypeError):
        cycle_update(cycle=cycle, by=biller, code="X9")


# -- scheduling a bill run


def test_a_bill_run_is_scheduled_with_who_and_can_be_taken_off(biller):
    # given
    cycle = _cycle()
    (period,) = periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 1, 1), by=biller)

    # when
    scheduled = period_schedule(period=period, by=biller)

    # then
    assert (scheduled.status, scheduled.scheduled_by) == (BillingPeriod.Status.SCHEDULED, biller)
    with pytest.raises(ValidationError) as twice:
        period_schedule(period=period, by=biller)
    assert "is already scheduled" in twice.value.messages[0]
    planned = period_unschedule(period=period, by=biller)
    assert (planned.status, planned.scheduled_by) == (BillingPeriod.Status.PLANNED, None)


def test_a_clerk_without_billing_rights_cannot_schedule(make_user, biller):
    # given
    (period,) = periods_generate(
        cycle=_cycle(), start=D(2026, 1, 1), through=D(2026, 1, 1), by=biller
    )

    # when
    with pytest.raises(ValidationError):
        period_schedule(period=period, by=make_user(roles.CSR_I))

    # then
    period.refresh_from_db()
    assert period.status == BillingPeriod.Status.PLANNED


# -- pages


def _calendar_url(month="2026-01"):
    return f"{reverse('billing:calendar')}?month={month}"


def test_the_calendar_shows_each_cycles_read_window_bill_and_due_dates(client_for, biller):
    # given
    periods_generate(cycle=_cycle("M1"), start=D(2026, 1, 1), through=D(2026, 3, 1), by=biller)
    periods_generate(
        cycle=_cycle("B2", "bimonthly", routes=["R02"]),
        start=D(2026, 1, 1),
        through=D(2026, 3, 1),
        by=biller,
    )
    client = client_for(roles.CSR_II)

    # when
    response = client.get(_calendar_url())

    # then
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("January 2026", "February 2026", "March 2026", "01/25 to 02/02/2026"):
        assert text in page
    assert "02/05/2026" in page and "02/26/2026" in page  # January's bill and due dates
    assert page.count("Schedule bill run<span") == 4  # M1 three times, B2 ending in February
    february = response.context["months"][1].periods
    assert [period.cycle.code for period in february] == ["B2", "M1"]


def test_a_clerk_sees_the_calendar_without_the_schedule_buttons(client_for, biller):
    # given
    periods_generate(cycle=_cycle(), start=D(2026, 1, 1), through=D(2026, 1, 1), by=biller)
    client = client_for(roles.CSR_I)

    # when
    response = client.get(_calendar_url())

    # then
    assert response.status_code == 200
    assert "01/31/2026" in response.content.decode()
    assert "Schedule bill run" not in response.content.decode()


def test_scheduling_from_the_calendar_marks_the_period(client_for, biller):
    # given
    (period,) = periods_generate(
        cycle=_cycle(), start=D(2026, 1, 1), through=D(2026, 1, 1), by=biller
    )
    client = client_for(roles.CSR_II)

    # when
    response = client.post(
        reverse("billing:period_schedule", kwargs={"period_id": period.pk}),
        {"next": _calendar_url()},
    )

    # then
    assert response.status_code == 302 and response["Location"] == _calendar_url()
    period.refresh_from_db()
    assert (period.status, period.scheduled_by) == ("scheduled", client.user)
    page = client.get(_calendar_url()).content.decode()
    assert "Bill run scheduled" in page and client.user.username in page


def test_a_clerk_cannot_schedule_by_posting(client_for, biller):
    # given
    (period,) = periods_generate(
        cycle=_cycle(), start=D(2026, 1, 1), through=D(2026, 1, 1), by=biller
    )
    client = client_for(roles.CSR_I)

    # when
    response = client.post(reverse("billing:period_schedule", kwargs={"period_id": period.pk}))

    # then
    assert response.status_code == 403
    period.refresh_from_db()
    assert period.status == "planned"


def test_the_calendar_takes_the_same_queries_for_more_cycles(
    client_for, biller, django_assert_max_num_queries
):
    # given
    periods_generate(cycle=_cycle("M1"), start=D(2026, 1, 1), through=D(2026, 3, 1), by=biller)
    client = client_for(roles.CSR_II)
    with CaptureQueriesContext(connection) as few:
        client.get(_calendar_url())
    for number in range(2, 6):
        cycle = _cycle(f"M{number}", routes=[f"R0{number}"])
        periods_generate(cycle=cycle, start=D(2026, 1, 1), through=D(2026, 3, 1), by=biller)
        period_schedule(period=cycle.periods.first(), by=biller)

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_calendar_url())
    assert len(response.context["months"][0].periods) == 5


def test_a_cycle_is_created_edited_and_given_periods_through_its_pages(client_for):
    # given
    PremiseFactory(route="R07")
    client = client_for(roles.CSR_II)

    # when
    created = client.post(
        reverse("billing:cycle_create"),
        {
            "code": "07",
            "name": "Cycle seven",
            "frequency": "monthly",
            "routes": "R07",
            "due_days": "21",
            "is_active": "on",
        },
    )
    cycle = BillingCycle.objects.get(code="07")
    edited = client.post(
        reverse("billing:cycle_edit", kwargs={"cycle_id": cycle.pk}),
        {
            "name": "Cycle 7",
            "frequency": "bimonthly",
            "routes": "R07",
            "due_days": "25",
            "is_active": "on",
        },
    )
    generated = client.post(
        reverse("billing:cycle_detail", kwargs={"cycle_id": cycle.pk}),
        {"start": "2026-02-01", "through": "2026-05-31"},
    )

    # then
    assert created.status_code == edited.status_code == generated.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.code, cycle.name, cycle.frequency, cycle.due_days) == (
        "07",
        "Cycle 7",
        "bimonthly",
        25,
    )
    assert list(cycle.periods.values_list("period_start", "period_end")) == [
        (D(2026, 2, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 5, 31)),
    ]
    page = client.get(reverse("billing:cycle_detail", kwargs={"cycle_id": cycle.pk}))
    assert page.status_code == 200 and "02/01/2026 to 03/31/2026" in page.content.decode()


def test_a_bad_cycle_form_shows_the_refusal_next_to_the_field(client_for):
    # given
    client = client_for(roles.CSR_II)

    # when
    response = client.post(
        reverse("billing:cycle_create"),
        {"code": "09", "name": "Nine", "frequency": "monthly", "routes": "R99", "due_days": "21"},
    )

    # then
    assert response.status_code == 200
    assert "No premise is on route R99" in response.content.decode()
    assert not BillingCycle.objects.exists()
