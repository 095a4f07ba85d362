"""Reads entered in billing's context: high and low against the 12-month average and the same
month last year, zero use, rollover or misread, outside the read window, duplicates; estimates
for missing reads; the route grid page and its htmx row save."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ServiceAccount
from billing.models import BillingPeriod
from billing.reads.context import FLAG_OUTSIDE_WINDOW
from billing.reads.services import ReadNeedsConfirmation, read_enter, reads_estimate_missing
from district import roles
from field_ops.models import Meter, MeterRead
from tests.billing.factories import (
    JUNE_READ,
    build_route,
    enter_read,
)
from tests.factories import (
    MeterReadFactory,
)

D = datetime.date


@pytest.fixture
def world(make_user):
    return build_route(make_user)


def _reads(meter):
    return MeterRead.objects.filter(meter=meter).count()


# -- validation


def test_a_usual_reading_is_saved_without_flags(world):
    # given: 10 a month; 1,170 on 05/28
    meter = world.meters[0]

    # when
    entry = enter_read(world, meter, "1,181")

    # then
    assert entry.read.reading == Decimal("1181.00")
    assert entry.read.entered_by == world.reader
    assert entry.flags == [] and entry.consumption == Decimal(11)


def test_a_high_reading_needs_a_confirmation_and_is_then_saved_flagged(world):
    # given
    meter = world.meters[0]
    before = _reads(meter)

    # when
    with pytest.raises(ReadNeedsConfirmation) as asked:
        enter_read(world, meter, 1215)
    confirmed = enter_read(world, meter, 1215, confirmed=True)

    # then: nothing saved the first time; the second time saved, flagged and noted
    concern = asked.value.messages[0]
    assert concern == (
        "High: 45 used since 05/28/2025; usual use puts the reading between 1,175 and 1,191."
    )
    assert asked.value.assessment.flags == [MeterRead.Flag.HIGH]
    assert _reads(meter) == before + 1
    assert confirmed.flags == [MeterRead.Flag.HIGH]
    assert confirmed.read.note == "Confirmed by the reader: high."


def test_a_low_reading_needs_a_confirmation(world):
    # given
    meter = world.meters[0]
    before = _reads(meter)

    # when
    with pytest.raises(ReadNeedsConfirmation) as asked:
        enter_read(world, meter, 1172)

    # then
    assert asked.value.messages[0].startswith("Low: 2 used since 05/28/2025")
    assert asked.value.assessment.flags == [MeterRead.Flag.LOW]
    assert _reads(meter) == before


def test_summer_use_like_last_summer_is_not_high(make_user):
    # given: 10 a month, but 40 in June 2024 (the garden); 1,200 on 05/28/2025
    world = build_route(make_user, meters=1, uses={6: 40})
    meter = world.meters[0]

    # when: 38 used in June 2025: high against the 12-month average, usual for June
    entry = enter_read(world, meter, 1238)

    # then
    assert entry.flags == []


def test_zero_use_on_an_active_account_needs_a_confirmation(world):
    # given
    meter = world.meters[0]

    # when
    with pytest.raises(ReadNeedsConfirmation) as asked:
        enter_read(world, meter, 1170)
    entry = enter_read(world, meter, 1170, confirmed=True)

    # then
    assert asked.value.messages == ["No use since 05/28/2025 on an active account."]
    assert entry.flags == [MeterRead.Flag.ZERO]
    assert entry.read.note == "Confirmed by the reader: zero use."


def test_zero_use_at_a_vacant_premise_is_saved_with_its_flag(world):
    # given
    meter = world.meters[0]
    ServiceAccount.objects.filter(premise=world.premises[0]).update(status="closed")

    # when
    entry = enter_read(world, meter, 1170)

    # then
    assert entry.flags == [MeterRead.Flag.ZERO]


def test_a_reading_below_the_last_is_saved_only_when_confirmed_as_a_rollover(make_user):
    # given: a 4-dial register at 9,990
    world = build_route(make_user, meters=1, start_reading=9830)
    meter = world.meters[0]
    Meter.objects.filter(pk=meter.pk).update(dials=4)
    meter.refresh_from_db()

    # when
    with pytest.raises(ReadNeedsConfirmation) as asked:
        enter_read(world, meter, 2)
    entry = enter_read(world, meter, 2, confirmed=True)

    # then: 12 used through the register's top
    assert "Below the last read (9,990 on 05/28/2025)" in asked.value.messages[0]
    assert "rolled over past 9,999" in asked.value.messages[0]
    assert entry.flags == [MeterRead.Flag.ROLLOVER]
    assert entry.consumption == Decimal(12)


def test_a_misread_below_the_last_is_refused_even_when_confirmed(world):
    # given
    meter = world.meters[0]
    before = _reads(meter)

    # when
    with pytest.raises(ValidationError) as refused:
        enter_read(world, meter, 1107, confirmed=True)

    # then
    assert not isinstance(refused.value, ReadNeedsConfirmation)
    assert refused.value.message_dict["reading"] == [
        "1,107 is below the last read of meter "
        f"{meter.serial} (1,170 on 05/28/2025) and is not a register rollover. Check the reading."
    ]
    assert _reads(meter) == before


def test_a_read_outside_the_read_window_is_saved_and_flagged(world):
    # given: June's window is 06/24 to 07/02
    meter = world.meters[0]

    # when
    entry = enter_read(world, meter, 1177, read_on=D(2025, 6, 20))

    # then
    assert entry.flags == [FLAG_OUTSIDE_WINDOW]
    assert entry.read.note == "Outside the read window 06/24/2025 to 07/02/2025."
    assert entry.flag_labels == ["Outside read window"]


def test_a_second_read_of_a_meter_on_the_same_day_is_refused(world):
    # given
    meter = world.meters[0]
    enter_read(world, meter, 1180)
    before = _reads(meter)

    # when
    with pytest.raises(ValidationError) as refused:
        enter_read(world, meter, 1181)

    # then
    assert refused.value.message_dict["reading"] == [
        f"Meter {meter.serial} already has a read on 06/28/2025 (1,180). "
        "To change it, correct that read."
    ]
    assert _reads(meter) == before


@pytest.mark.parametrize(
    ("read_on", "message"),
    [
        (D(2099, 1, 1), "A read cannot be dated in the future."),
        (D(2023, 11, 30), "was not installed on 11/30/2023"),
        (D(2025, 5, 1), "was read later, on 05/28/2025"),
    ],
)
def test_reads_on_impossible_dates_are_refused(world, read_on, message):
    # given
    meter = world.meters[0]
    before = _reads(meter)

    # when
    with pytest.raises(ValidationError) as refused:
        enter_read(world, meter, 1500, read_on=read_on)

    # then
    assert message in refused.value.message_dict["read_on"][0]
    assert _reads(meter) == before


def test_a_person_without_read_entry_cannot_enter_reads(world, make_user):
    # given
    meter = world.meters[0]
    before = _reads(meter)

    # when
    with pytest.raises(ValidationError) as refused:
        read_enter(
            meter=meter,
            read_on=JUNE_READ,
            reading=1180,
            source="route",
            by=make_user(roles.FINANCE),
        )

    # then
    assert refused.value.messages == ["Your role does not allow you to enter meter reads."]
    assert _reads(meter) == before


# -- estimates


def _june(world) -> BillingPeriod:
    return world.cycle.periods.get(period_start=D(2025, 6, 1))


def test_missing_reads_are_estimated_from_usual_use(world):
    # given: the first meter read in June's window, the others not
    enter_read(world, world.meters[0], 1180)

    # when
    result = reads_estimate_missing(cycle=world.cycle, period=_june(world), by=world.biller)

    # then: 33 days at the 12-month average (110 over 334 days) from 1,170 on 05/28
    assert sorted(read.meter_id for read in result.created) == sorted(
        meter.pk for meter in world.meters[1:]
    )
    estimate = result.created[0]
    assert (estimate.read_on, estimate.source) == (D(2025, 6, 30), MeterRead.Source.ESTIMATE)
    assert MeterRead.Flag.ESTIMATED in estimate.flags
    assert estimate.reading == Decimal(1181)
    assert estimate.entered_by == world.biller
    assert "Estimated from the 12-month average" in estimate.note
    assert result.not_estimated == []


def test_estimating_again_estimates_nothing_twice(world):
    # given
    reads_estimate_missing(cycle=world.cycle, period=_june(world), by=world.biller)
    before = MeterRead.objects.count()

    # when
    again = reads_estimate_missing(cycle=world.cycle, period=_june(world), by=world.biller)

    # then
    assert again.created == [] and MeterRead.objects.count() == before


def test_the_next_actual_read_trues_up_the_estimate(world):
    # given: June estimated at 1,181
    meter = world.meters[0]
    reads_estimate_missing(cycle=world.cycle, period=_june(world), by=world.biller)

    # when: July's actual read
    entry = enter_read(world, meter, 1195, read_on=D(2025, 7, 29))

    # then: July's use is the actual reading minus the estimated one
    assert entry.consumption == Decimal(14)
    assert entry.flags == []


def test_a_meter_without_history_is_left_for_a_field_read(make_user):
    # given
    world = build_route(make_user, meters=1, history=False)
    MeterReadFactory(meter=world.meters[0], read_on=D(2025, 5, 28), reading=50)

    # when
    result = reads_estimate_missing(cycle=world.cycle, period=_june(world), by=world.biller)

    # then
    assert result.created == []
    assert result.not_estimated == [(world.meters[0], "no use history to estimate from")]


def test_estimates_wait_for_the_read_window_to_close(world, make_user):
    # given: a period whose window is still open (the clock says 2026 or later)
    period = world.cycle.periods.get(period_start=D(2025, 6, 1))
    BillingPeriod.objects.filter(pk=period.pk).update(read_window_end=D(2099, 1, 1))
    before = MeterRead.objects.count()

    # when
    with pytest.raises(ValidationError) as refused:
        reads_estimate_missing(cycle=world.cycle, period=period, by=world.biller)

    # then
    assert "The read window is open until 01/01/2099" in refused.value.messages[0]
    assert MeterRead.objects.count() == before


def test_estimating_takes_billing_rights(world):
    # when
    with pytest.raises(ValidationError) as refused:
        reads_estimate_missing(cycle=world.cycle, period=_june(world), by=world.reader)

    # then
    assert refused.value.messages == ["Your role does not allow you to estimate missing reads."]
    assert not MeterRead.objects.filter(source="estimate").exists()


# -- pages


def _grid_url(world, date=JUNE_READ):
    return f"{reverse('billing:read_route', kwargs={'route': world.route})}?date={date}"


def test_the_grid_lists_the_route_in_read_order_with_previous_read_and_expected_range(
    client, world
):
    # given
    client.force_login(world.reader)

    # when
    response = client.get(_grid_url(world))

    # then
    sheet = response.context["sheet"]
    assert [row.premise.read_sequence for row in sheet.rows] == [10, 20, 30]
    page = response.content.decode()
    first = sheet.rows[0]
    assert first.previous.reading == Decimal(1170)
    assert (first.usual.low_reading, first.usual.high_reading) == (1175, 1191)
    assert f'id="reading-{first.meter.pk}"' in page and 'inputmode="numeric"' in page
    assert "1,170" in page and "05/28/2025" in page and "1,175 to 1,191" in page
    assert f"Reading of meter {first.meter.serial} at {first.premise.address_line}" in page
    assert "autofocus" in page


def test_the_grid_takes_the_same_queries_for_a_longer_route(
    client, make_user, django_assert_max_num_queries
):
    # given
    short = build_route(make_user, route="R20", meters=2)
    long = build_route(make_user, route="R30", meters=8)
    client.force_login(short.reader)
    with CaptureQueriesContext(connection) as few:
        client.get(_grid_url(short))
    enter_read(long, long.meters[0], 1180)

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_grid_url(long))
    assert len(response.context["sheet"].rows) == 8


def _post_row(client, world, meter, reading, *, htmx=True, **extra):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        _grid_url(world),
        {"meter": meter.pk, "read_on": JUNE_READ.isoformat(), "reading": reading, **extra},
        **headers,
    )


def test_an_htmx_row_save_answers_with_the_saved_row_and_the_status(client, world):
    # given
    client.force_login(world.reader)
    meter = world.meters[0]

    # when
    response = _post_row(client, world, meter, "1180")

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<tr id="read-row-{meter.pk}"')
    assert 'data-state="saved"' in page and "Saved" in page
    assert 'hx-swap-oob="innerHTML"' in page and "Saved 1,180 for" in page
    assert MeterRead.objects.get(meter=meter, read_on=JUNE_READ).entered_by == world.reader


def test_an_implausible_row_asks_and_a_second_enter_confirms(client, world):
    # given
    client.force_login(world.reader)
    meter = world.meters[0]

    # when
    asked = _post_row(client, world, meter, "1215")
    confirmed = _post_row(client, world, meter, "1215", confirm_reading="1215")

    # then
    asked_page = asked.content.decode()
    assert 'data-state="confirm"' in asked_page and "Check:" in asked_page
    assert 'name="confirm_reading" value="1215"' in asked_page
    assert 'data-state="saved"' in confirmed.content.decode()
    assert "High" in confirmed.content.decode()
    read = MeterRead.objects.get(meter=meter, read_on=JUNE_READ)
    assert read.reading == 1215 and read.flags == [MeterRead.Flag.HIGH]


def test_a_changed_value_after_a_question_is_checked_again(client, world):
    # given
    client.force_login(world.reader)
    meter = world.meters[0]
    _post_row(client, world, meter, "1215")

    # when: the reader corrects the value: no confirmation carried over
    response = _post_row(client, world, meter, "1315", confirm_reading="1215")

    # then
    assert 'data-state="confirm"' in response.content.decode()
    assert not MeterRead.objects.filter(meter=meter, read_on=JUNE_READ).exists()


def test_a_refused_row_says_why_next_to_the_field(client, world):
    # given
    client.force_login(world.reader)
    meter = world.meters[0]

    # when
    response = _post_row(client, world, meter, "abc")

    # then
    page = response.content.decode()
    assert 'data-state="error"' in page and "Enter the reading as a number." in page
    assert f'id="result-{meter.pk}"' in page and 'aria-invalid="true"' in page
    assert not MeterRead.objects.filter(meter=meter, read_on=JUNE_READ).exists()


def test_without_htmx_a_saved_row_goes_back_to_the_grid(client, world):
    # given
    client.force_login(world.reader)

    # when
    response = _post_row(client, world, world.meters[0], "1180", htmx=False)

    # then
    assert response.status_code == 302 and response["Location"] == _grid_url(world)


def test_a_meter_not_on_the_route_is_not_found(client, world, make_user):
    # given
    other = build_route(make_user, route="R99", meters=1, history=False)
    client.force_login(world.reader)

    # when
    response = _post_row(client, world, other.meters[0], "5")

    # then
    assert response.status_code == 404
    assert not MeterRead.objects.filter(meter=other.meters[0]).exists()


def test_the_route_list_shows_each_route_and_how_many_are_read(client, world):
    # given
    enter_read(world, world.meters[0], 1180)
    client.force_login(world.reader)

    # when
    response = client.get(f"{reverse('billing:read_routes')}?date={JUNE_READ}")

    # then
    (summary,) = response.context["routes"]
    assert (summary.route, summary.meters, summary.read) == ("R10", 3, 1)
    assert summary.cycle == world.cycle and summary.period.period_start == D(2025, 6, 1)
    assert "06/24 to 07/02/2025" in response.content.decode()


def test_the_period_page_lists_missing_reads_and_estimates_them(client_for, world):
    # given
    enter_read(world, world.meters[0], 1180)
    client = client_for(roles.CSR_II)
    period = _june(world)

    # when
    page = client.get(reverse("billing:period_detail", kwargs={"period_id": period.pk}))
    response = client.post(reverse("billing:period_estimate", kwargs={"period_id": period.pk}))

    # then
    assert "1 of 3" in page.content.decode() and world.meters[1].serial in page.content.decode()
    assert response.status_code == 302
    assert MeterRead.objects.filter(source="estimate").count() == 2


def test_the_route_list_takes_the_same_queries_for_more_routes(
    client, make_user, django_assert_max_num_queries
):
    # given
    first = build_route(make_user, route="R21", meters=1, history=False)
    client.force_login(first.reader)
    url = f"{reverse('billing:read_routes')}?date={JUNE_READ}"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(22, 26):
        build_route(make_user, route=f"R{number}", meters=2, history=False)

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert [summary.route for summary in response.context["routes"]] == [
        "R21",
        "R22",
        "R23",
        "R24",
        "R25",
    ]
