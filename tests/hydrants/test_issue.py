"""Issuing a meter: the refusals (not approved, unpaid, meter out, untested), the custody record,
and the set order the technician's phone shows with the custody step."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_reject
from district.errors import ServiceError
from field_ops.models import Premise, WorkOrder
from field_ops.work_orders.services import work_order_dispatch
from hydrants.models import HydrantMeter, HydrantPermit, MeterIssue
from hydrants.permits.services import meter_issue, permit_submit
from tests.hydrants.builders import (
    approved_permit,
    draft_permit,
    hydrant,
    paid_permit,
    pay,
    stocked_meter,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hydrant_media")]


@pytest.fixture
def csr(make_user):
    return make_user(roles.CSR_II)


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR)


def _issue(permit, meter, by, **overrides):
    values = {
        "start_read": "1234.50",
        "accessories": ["Backflow assembly", "Hydrant wrench", " "],
        "received_by_name": "  Jose   Ramirez ",
        "acknowledged": True,
    }
    values.update(overrides)
    return meter_issue(permit=permit, meter=meter, by=by, **values)


def _nothing_issued(meter, permit) -> None:
    meter.refresh_from_db()
    permit.refresh_from_db()
    assert not MeterIssue.objects.exists()
    assert meter.status == HydrantMeter.Status.IN_STOCK
    assert permit.status != HydrantPermit.Status.ACTIVE
    assert not WorkOrder.objects.filter(order_type=WorkOrder.Type.HYDRANT_METER_SET).exists()


def test_issue_records_custody_moves_meter_and_permit_and_orders_the_set(csr, supervisor):
    # given an approved permit whose $2,700.00 is paid, on hydrant H-0500
    permit = paid_permit(
        csr,
        supervisor,
        hydrant=hydrant(
            number="H-0500",
            location="2200 Quarry Rd",
            latitude=Decimal("38.581572"),
            longitude=Decimal("-121.494400"),
            restrictions="Weekdays 7 AM to 5 PM only.",
        ),
    )
    meter = stocked_meter(serial="HM-30001", backflow_serial="RP-77")
    # when
    issue = _issue(permit, meter, csr)
    # then the custody record
    issue.refresh_from_db()
    assert (issue.start_read, issue.accessories, issue.received_by_name, issue.acknowledged) == (
        Decimal("1234.50"),
        ["Backflow assembly", "Hydrant wrench"],
        "Jose Ramirez",
        True,
    )
    assert (issue.issued_by, issue.returned_at) == (csr, None)
    meter.refresh_from_db()
    permit.refresh_from_db()
    assert meter.status == HydrantMeter.Status.ISSUED
    assert permit.status == HydrantPermit.Status.ACTIVE
    # and the field order, at the hydrant's own commercial premise
    order = WorkOrder.objects.get(pk=issue.set_work_order_id)
    assert (order.order_type, order.origin, order.service_account_id) == (
        WorkOrder.Type.HYDRANT_METER_SET,
        WorkOrder.Origin.HYDRANTS,
        permit.account_id,
    )
    premise = order.premise
    assert premise.hydrant == permit.hydrant
    assert (premise.premise_type, premise.house_number, premise.street, premise.route) == (
        Premise.PremiseType.COMMERCIAL,
        "2200",
        "Quarry Rd",
        "HYD",
    )
    assert premise.latitude == Decimal("38.581572")
    assert "Custody: serial HM-30001, start read 1234.50" in order.instructions
    assert "received by Jose Ramirez" in order.instructions
    assert "Backflow assembly: RP-77." in order.instructions
    assert "Hydrant restrictions: Weekdays 7 AM to 5 PM only." in order.instructions


def test_a_second_meter_set_on_the_same_hydrant_reuses_its_premise(csr, supervisor):
    fire_hydrant = hydrant()
    first = _issue(paid_permit(csr, supervisor, hydrant=fire_hydrant), stocked_meter(), csr)
    second = _issue(paid_permit(csr, supervisor, hydrant=fire_hydrant), stocked_meter(), csr)
    orders = WorkOrder.objects.filter(pk__in=[first.set_work_order_id, second.set_work_order_id])
    fire_hydrant.refresh_from_db()
    assert {order.premise_id for order in orders} == {fire_hydrant.premise_id}
    assert Premise.objects.filter(route="HYD").count() == 1


def test_issue_without_approval_is_refused(csr):
    permit = permit_submit(permit=draft_permit(csr), by=csr)
    meter = stocked_meter()
    with pytest.raises(ServiceError) as refusal:
        _issue(permit, meter, csr)
    assert refusal.value.messages == [
        f"{permit} is awaiting approval: a meter is issued only on an approved permit."
    ]
    _nothing_issued(meter, permit)


def test_issue_on_an_unpaid_permit_is_refused(csr, supervisor):
    # given an approved permit of which only $2,000.00 of $2,700.00 is paid
    permit = approved_permit(csr, supervisor)
    pay(permit, Decimal("2000.00"))
    meter = stocked_meter()
    # when
    with pytest.raises(ServiceError) as refusal:
        _issue(permit, meter, csr)
    # then
    assert refusal.value.messages == [
        f"The permit fee and deposit are not paid: account {permit.account.formatted_number} "
        "owes $700.00. Take the payment at the counter first."
    ]
    _nothing_issued(meter, permit)


def test_a_second_issue_of_a_meter_already_out_is_refused(csr, supervisor):
    # given a meter out on one permit
    meter = stocked_meter()
    first = paid_permit(csr, supervisor)
    _issue(first, meter, csr)
    second = paid_permit(csr, supervisor)
    # when it is issued on another
    with pytest.raises(ServiceError) as refusal:
        _issue(second, meter, csr)
    # then
    assert refusal.value.message_dict == {
        "meter": [f"{meter} is already out on permit {first.number}."]
    }
    assert MeterIssue.objects.count() == 1
    second.refresh_from_db()
    assert second.status == HydrantPermit.Status.APPROVED


def test_the_database_keeps_one_open_issue_per_meter(csr, supervisor):
    meter = stocked_meter()
    issue = _issue(paid_permit(csr, supervisor), meter, csr)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeterIssue.objects.create(
            permit=paid_permit(csr, supervisor),
            meter=meter,
            start_read=0,
            received_by_name="Someone",
            acknowledged=True,
            issued_by=csr,
        )
    assert list(MeterIssue.objects.values_list("pk", flat=True)) == [issue.pk]


def test_an_untested_meter_is_refused(csr, supervisor):
    permit = paid_permit(csr, supervisor)
    meter = stocked_meter(tested_days_ago=366)
    tested = meter.last_tested_on
    with pytest.raises(ServiceError) as refusal:
        _issue(permit, meter, csr)
    assert refusal.value.message_dict == {
        "meter": [
            f"{meter} was last tested on {tested:%m/%d/%Y}; a meter is lent only when tested "
            "within 365 days. Send it to test first."
        ]
    }
    _nothing_issued(meter, permit)


def test_a_meter_in_the_shop_is_refused(csr, supervisor):
    permit = paid_permit(csr, supervisor)
    meter = stocked_meter(status=HydrantMeter.Status.IN_TEST_REPAIR)
    with pytest.raises(ServiceError) as refusal:
        _issue(permit, meter, csr)
    assert refusal.value.message_dict == {
        "meter": [f"{meter} is in test or repair: only a meter in stock is issued."]
    }


def test_a_meter_of_another_size_is_refused(csr, supervisor):
    permit = paid_permit(csr, supervisor)
    meter = stocked_meter(size="2")
    with pytest.raises(ServiceError) as refusal:
        _issue(permit, meter, csr)
    assert refusal.value.message_dict == {
        "meter": [f'{meter} is 2"; the permit is for a 3" meter.']
    }


def test_the_representative_must_acknowledge(csr, supervisor):
    permit = paid_permit(csr, supervisor)
    meter = stocked_meter()
    with pytest.raises(ServiceError) as refusal:
        _issue(permit, meter, csr, acknowledged=False, received_by_name="")
    assert refusal.value.message_dict == {
        "received_by_name": ["Type the name of the person taking the meter."],
        "acknowledged": [
            "The contractor's representative must acknowledge the terms and the meter's condition."
        ],
    }
    _nothing_issued(meter, permit)


def test_the_technicians_phone_shows_the_custody_step(csr, supervisor, make_user, client):
    # given the set order dispatched to a technician
    issue = _issue(paid_permit(csr, supervisor), stocked_meter(serial="HM-40404"), csr)
    technician = make_user(roles.FIELD_TECHNICIAN)
    order = WorkOrder.objects.get(pk=issue.set_work_order_id)
    work_order_dispatch(work_order=order, by=make_user(roles.CSR_III), technician=technician)
    client.force_login(technician)
    # when
    today_page = client.get("/field/")
    order_page = client.get(f"/field/orders/{order.pk}/")
    # then
    for page in (today_page, order_page):
        assert page.status_code == 200
        assert "Custody: serial HM-40404, start read 1234.50" in page.text
    assert "Hydrant meter serial" in order_page.text  # the completion asks for it again


def test_an_approval_request_left_over_after_a_rejection_cannot_approve(csr, supervisor, make_user):
    permit = permit_submit(permit=draft_permit(csr, fire_department_required=True), by=csr)
    approval_reject(request_id=permit.fire_approval_id, by=supervisor, reason="No access")
    with pytest.raises(ServiceError) as refusal:
        approval_approve(request_id=permit.operations_approval_id, by=make_user(roles.SUPERVISOR))
    assert refusal.value.messages == [f"{permit} is rejected: reject this request instead."]
    permit.operations_approval.refresh_from_db()
    assert permit.operations_approval.status == ApprovalRequest.Status.PENDING
