"""The fleet: receiving meters, the yard's status moves and their refusals, the lists."""

import datetime

import pytest

from district import roles
from district.errors import NotPermitted, ServiceError
from hydrants.inventory.services import hydrant_meter_create, hydrant_meter_move
from hydrants.models import HydrantMeter
from tests.hydrants.builders import hydrant, stocked_meter, today

pytestmark = pytest.mark.django_db
Status = HydrantMeter.Status


def test_a_meter_is_received_into_stock_with_its_serial_in_capitals(make_user):
    # when
    meter = hydrant_meter_create(
        by=make_user(roles.CSR_II),
        serial=" hm-9001 ",
        size="2",
        replacement_cost="1250.00",
        yard_bin="b-4",
    )
    # then
    meter.refresh_from_db()
    assert (meter.serial, meter.status, meter.yard_bin) == ("HM-9001", Status.IN_STOCK, "B-4")


def test_a_csr_i_cannot_receive_meters(make_user):
    with pytest.raises(NotPermitted):
        hydrant_meter_create(
            by=make_user(roles.CSR_I), serial="HM-1", size="2", replacement_cost="1"
        )
    assert not HydrantMeter.objects.exists()


def test_to_the_shop_and_back_to_stock_with_the_test_date(make_user):
    # given
    clerk = make_user(roles.CSR_II)
    meter = stocked_meter(tested_days_ago=400)
    passed_on = today() - datetime.timedelta(days=1)
    # when
    hydrant_meter_move(meter=meter, to_status=Status.IN_TEST_REPAIR, reason="Annual test", by=clerk)
    hydrant_meter_move(
        meter=meter, to_status=Status.IN_STOCK, reason="Passed", tested_on=passed_on, by=clerk
    )
    # then
    meter.refresh_from_db()
    assert (meter.status, meter.last_tested_on, meter.status_reason) == (
        Status.IN_STOCK,
        passed_on,
        "Passed",
    )


def test_back_to_stock_without_a_test_date_is_refused(make_user):
    # given
    clerk = make_user(roles.CSR_II)
    meter = stocked_meter(status=Status.IN_TEST_REPAIR, tested_days_ago=400)
    # when
    with pytest.raises(ServiceError) as refusal:
        hydrant_meter_move(meter=meter, to_status=Status.IN_STOCK, reason="Fixed", by=clerk)
    # then
    assert refusal.value.message_dict == {
        "tested_on": ["Enter the date the meter passed its test before stocking it."]
    }
    meter.refresh_from_db()
    assert meter.status == Status.IN_TEST_REPAIR


def test_a_move_needs_a_reason(make_user):
    meter = stocked_meter()
    with pytest.raises(ServiceError) as refusal:
        hydrant_meter_move(
            meter=meter, to_status=Status.RETIRED, reason=" ", by=make_user(roles.CSR_II)
        )
    assert refusal.value.message_dict == {"reason": ["Say why the meter is retired."]}


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (Status.RETIRED, Status.IN_STOCK, "is retired: it cannot be put back in stock."),
        (Status.IN_STOCK, Status.IN_STOCK, "is in stock: it cannot be put back in stock."),
        (Status.LOST, Status.IN_STOCK, "is lost: it cannot be put back in stock."),
    ],
)
def test_a_bad_status_move_is_refused_with_where_the_meter_stands(make_user, start, to, message):
    # given
    meter = stocked_meter(status=start)
    # when
    with pytest.raises(ServiceError) as refusal:
        hydrant_meter_move(
            meter=meter,
            to_status=to,
            reason="Try",
            tested_on=today(),
            by=make_user(roles.CSR_II),
        )
    # then
    assert refusal.value.message_dict == {"to_status": [f"{meter} {message}"]}
    meter.refresh_from_db()
    assert meter.status == start


def test_an_issued_meter_comes_back_through_its_permit_not_the_yard(make_user):
    meter = stocked_meter(status=Status.ISSUED)
    with pytest.raises(ServiceError) as refusal:
        hydrant_meter_move(
            meter=meter, to_status=Status.IN_TEST_REPAIR, reason="x", by=make_user(roles.CSR_II)
        )
    assert refusal.value.message_dict == {
        "to_status": [
            f"{meter} is out on a permit: it comes back through the permit's return, not "
            "from the yard."
        ]
    }


def test_issue_is_not_a_yard_move(make_user):
    meter = stocked_meter()
    with pytest.raises(ServiceError) as refusal:
        hydrant_meter_move(
            meter=meter, to_status=Status.ISSUED, reason="x", by=make_user(roles.CSR_II)
        )
    assert refusal.value.message_dict == {"to_status": ["Issue a meter from its permit's page."]}


def test_can_be_issued_needs_stock_and_a_recent_test():
    on = today()
    assert stocked_meter(tested_days_ago=365).can_be_issued(test_days=365, on=on)
    assert not stocked_meter(tested_days_ago=366).can_be_issued(test_days=365, on=on)
    assert not stocked_meter(tested_days_ago=None).can_be_issued(test_days=365, on=on)
    assert not stocked_meter(status=Status.IN_TEST_REPAIR).can_be_issued(test_days=365, on=on)


def test_restricted_at_a_drought_stage_and_above():
    restricted = hydrant(restricted_from_drought_stage=2)
    assert [restricted.restricted_at(stage) for stage in (0, 1, 2, 3)] == [
        False,
        False,
        True,
        True,
    ]
    assert not hydrant().restricted_at(4)


# -- pages


@pytest.mark.parametrize("role", [roles.CSR_II, roles.CSR_III, roles.SUPERVISOR])
def test_the_fleet_pages_open_for_the_hydrant_roles(client_for, role):
    client = client_for(role)
    meter, fire_hydrant = stocked_meter(), hydrant()
    for url in (
        "/hydrants/meters/",
        f"/hydrants/meters/{meter.pk}/",
        f"/hydrants/meters/{meter.pk}/edit/",
        "/hydrants/meters/new/",
        "/hydrants/",
        f"/hydrants/{fire_hydrant.pk}/",
        "/hydrants/new/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [roles.CSR_I, roles.FIELD_TECHNICIAN, roles.FINANCE])
def test_the_fleet_pages_refuse_other_roles(client_for, role):
    client = client_for(role)
    meter = stocked_meter()
    assert client.get("/hydrants/meters/").status_code == 403
    assert client.get(f"/hydrants/meters/{meter.pk}/").status_code == 403
    assert client.get("/hydrants/").status_code == 403


def test_the_move_form_shows_a_refusal(client_for):
    client = client_for(roles.CSR_II)
    meter = stocked_meter(status=Status.IN_TEST_REPAIR)
    response = client.post(
        f"/hydrants/meters/{meter.pk}/move/", {"to_status": "in_stock", "reason": "Fixed"}
    )
    assert response.status_code == 400
    assert "Enter the date the meter passed its test before stocking it." in response.text


def test_the_meter_list_query_count_does_not_grow_with_meters(
    client_for, django_assert_max_num_queries
):
    client = client_for(roles.CSR_II)
    for _ in range(25):
        stocked_meter()
    # sign-in and session (6), the count, the page of meters with where each is
    with django_assert_max_num_queries(11):
        response = client.get("/hydrants/meters/")
    assert response.status_code == 200
    assert response.text.count("Yard bin") + response.text.count("—") >= 25


def test_the_hydrant_list_query_count_is_pinned(client_for, django_assert_max_num_queries):
    client = client_for(roles.CSR_II)
    for _ in range(25):
        hydrant()
    # sign-in and session (6), the drought stage, the count, the page of hydrants
    with django_assert_max_num_queries(11):
        response = client.get("/hydrants/")
    assert response.status_code == 200
