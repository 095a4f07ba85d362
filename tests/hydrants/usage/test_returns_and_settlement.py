"""A lent meter's return, inspection, final bill, loss and the permit's settlement."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Deposit
from billing.refunds.kinds import REFUND_KIND
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve
from district.errors import ServiceError
from district.ledger.models import JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from field_ops.models import WorkOrder
from field_ops.work_orders.services import work_order_complete, work_order_dispatch
from hydrants.models import (
    HydrantBill,
    HydrantInspection,
    HydrantMeter,
    HydrantPermit,
    HydrantRead,
    HydrantSettlement,
)
from hydrants.usage.billing import hydrant_bills_run
from hydrants.usage.reads import hydrant_read_record
from hydrants.usage.returns import (
    hydrant_final_bill,
    hydrant_inspection_record,
    hydrant_meter_lost,
    meter_return_record,
    meter_return_start,
)
from hydrants.usage.settlement import hydrant_settle
from tests.hydrants.usage.builders import load_hydrant_rates, meter_out, noon

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


@pytest.fixture
def clerk(make_user):
    return make_user(roles.CSR_II)


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR)


@pytest.fixture
def rates(clerk):
    return load_hydrant_rates(clerk)


def _final_read(issue, reading, by, day=datetime.date(2026, 1, 31)):
    return hydrant_read_record(
        issue_id=issue.pk,
        read_on=day,
        reading=reading,
        source=HydrantRead.Source.COUNTER,
        is_final=True,
        by=by,
    )


def _inspect(issue, by, *, parts="0", labour="0", damage=(), photos=()):
    return hydrant_inspection_record(
        issue_id=issue.pk,
        by=by,
        inspected_on=datetime.date(2026, 2, 2),
        meter_test_result="pass",
        accuracy_percent="99.2",
        backflow_test_result="pass",
        damage_items=list(damage),
        parts_charge=parts,
        labour_charge=labour,
        photos=list(photos),
    )


def _returned(issue, by, *, reading="10.00", parts="0", labour="0", damage=()):
    """Final read 01/31, back 01/31, inspected: ready for the final bill."""
    _final_read(issue, reading, by)
    meter_return_record(issue_id=issue.pk, by=by, returned_at=noon(datetime.date(2026, 1, 31)))
    _inspect(issue, by, parts=parts, labour=labour, damage=damage)


def _lines(journal_id):
    return {
        line.gl_account.purpose: line.amount
        for line in JournalLine.objects.filter(journal_id=journal_id).select_related("gl_account")
    }


def test_a_return_without_a_final_read_is_refused(clerk):
    # given a meter out with only a monthly read
    issue = meter_out()
    hydrant_read_record(
        issue_id=issue.pk,
        read_on=datetime.date(2026, 1, 20),
        reading="5",
        source=HydrantRead.Source.COUNTER,
        by=clerk,
    )
    # when the counter records it back
    with pytest.raises(ServiceError) as refused:
        meter_return_record(issue_id=issue.pk, by=clerk)
    # then it is refused and the meter is still out
    assert refused.value.messages == [
        f"Record the final read of meter {issue.meter.serial} before its return: the final "
        "bill charges the water to it."
    ]
    issue.refresh_from_db()
    assert issue.is_open
    assert HydrantMeter.objects.get(pk=issue.meter_id).status == HydrantMeter.Status.ISSUED
    assert HydrantPermit.objects.get(pk=issue.permit_id).status == HydrantPermit.Status.ACTIVE


def test_the_return_sends_the_meter_to_the_shop_and_the_permit_to_returned(clerk):
    issue = meter_out()
    _final_read(issue, "10", clerk)
    meter_return_record(issue_id=issue.pk, by=clerk)
    issue.refresh_from_db()
    assert not issue.is_open
    assert HydrantMeter.objects.get(pk=issue.meter_id).status == HydrantMeter.Status.IN_TEST_REPAIR
    assert HydrantPermit.objects.get(pk=issue.permit_id).status == HydrantPermit.Status.RETURNED


def test_the_pick_up_order_completed_records_the_final_read_and_the_return(clerk, make_user):
    # given a pick-up order for a meter out
    issue = meter_out(start_read="3")
    order = meter_return_start(issue_id=issue.pk, by=clerk)
    assert order.order_type == WorkOrder.Type.HYDRANT_METER_PICKUP
    # the crew's phone says what to check back in
    assert f"Check in meter {issue.meter.serial}" in order.instructions
    assert "It went out reading 3.00." in order.instructions
    # the same order is given back when asked again
    assert meter_return_start(issue_id=issue.pk, by=clerk).pk == order.pk
    technician = make_user(roles.FIELD_TECHNICIAN)
    order = work_order_dispatch(
        work_order=order, by=make_user(roles.CSR_III), technician=technician
    )
    # when the technician completes it with the meter's serial and reading
    work_order_complete(
        work_order=order,
        by=technician,
        data={"hydrant_meter_serial": issue.meter.serial, "reading": "42.5"},
    )
    # then the technician's reading is the final read, and the meter is back
    issue.refresh_from_db()
    final = issue.reads.get(is_final=True)
    assert (final.reading, final.source, final.work_order_id) == (
        Decimal("42.50"),
        HydrantRead.Source.FIELD,
        order.pk,
    )
    assert not issue.is_open


def test_a_pick_up_with_another_meters_serial_is_refused(clerk, make_user):
    issue = meter_out()
    order = meter_return_start(issue_id=issue.pk, by=clerk)
    technician = make_user(roles.FIELD_TECHNICIAN)
    order = work_order_dispatch(
        work_order=order, by=make_user(roles.CSR_III), technician=technician
    )
    with pytest.raises(ServiceError, match=f"This order picks up meter {issue.meter.serial}"):
        work_order_complete(
            work_order=order,
            by=technician,
            data={"hydrant_meter_serial": "HM-OTHER", "reading": "10"},
        )
    issue.refresh_from_db()
    assert issue.is_open and issue.reads.count() == 0


def test_the_inspection_damages_go_on_the_final_bill(clerk, rates):
    # given a 3" meter out all January at 0, final read 10.00 HCF, back 01/31
    issue = meter_out(start_read="0")
    _final_read(issue, "10.00", clerk)
    meter_return_record(issue_id=issue.pk, by=clerk, returned_at=noon(datetime.date(2026, 1, 31)))
    # when the shop finds a cracked body: parts $140.00, labour $62.50, with a photo
    inspection = _inspect(
        issue,
        clerk,
        parts="140",
        labour="62.50",
        damage=["body_cracked"],
        photos=[SimpleUploadedFile("crack.png", PNG, content_type="image/png")],
    )
    bill = hydrant_final_bill(issue_id=issue.pk, by=clerk)
    # then the final bill has the water to the final read, the rental to the return date and
    # the damages, and the meter stays in the shop
    assert inspection.damage_total == Decimal("202.50")
    assert inspection.photos.get().content_type == "image/png"
    assert (bill.water_amount, bill.rental_amount, bill.damage_amount) == (
        Decimal("68.25"),  # 10 x 6.8250
        Decimal("95.00"),  # all January
        Decimal("202.50"),
    )
    assert bill.total == Decimal("365.75")
    assert _lines(bill.journal_id) == {
        Purpose.AR_CUSTOMERS.value: Decimal("365.75"),
        Purpose.HYDRANT_WATER.value: Decimal("-163.25"),
        Purpose.DAMAGE_RECOVERY.value: Decimal("-202.50"),
    }
    meter = HydrantMeter.objects.get(pk=issue.meter_id)
    assert (meter.status, meter.condition) == (
        HydrantMeter.Status.IN_TEST_REPAIR,
        HydrantMeter.Condition.DAMAGED,
    )
    # asked again, the same bill
    assert hydrant_final_bill(issue_id=issue.pk, by=clerk).pk == bill.pk


def test_an_inspection_that_passes_puts_the_meter_back_in_stock(clerk):
    issue = meter_out()
    _final_read(issue, "1", clerk)
    meter_return_record(issue_id=issue.pk, by=clerk)
    _inspect(issue, clerk)
    meter = HydrantMeter.objects.get(pk=issue.meter_id)
    assert (meter.status, meter.last_tested_on) == (
        HydrantMeter.Status.IN_STOCK,
        datetime.date(2026, 2, 2),
    )


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_written(clerk):
    issue = meter_out()
    _final_read(issue, "1", clerk)
    meter_return_record(issue_id=issue.pk, by=clerk)
    with pytest.raises(ServiceError, match="notes.txt is not a photo"):
        _inspect(issue, clerk, photos=[SimpleUploadedFile("notes.txt", b"hello there")])
    assert not HydrantInspection.objects.filter(issue=issue).exists()


def test_the_final_bill_after_monthly_bills_starts_after_the_last_one(clerk, rates):
    issue = meter_out(start_read="0")
    hydrant_read_record(
        issue_id=issue.pk,
        read_on=datetime.date(2026, 1, 25),
        reading="4.00",
        source=HydrantRead.Source.COUNTER,
        by=clerk,
    )
    hydrant_bills_run(today=datetime.date(2026, 2, 1), by=clerk)
    _final_read(issue, "6.00", clerk, day=datetime.date(2026, 2, 14))
    meter_return_record(issue_id=issue.pk, by=clerk, returned_at=noon(datetime.date(2026, 2, 14)))
    _inspect(issue, clerk)
    bill = hydrant_final_bill(issue_id=issue.pk, by=clerk)
    # 2 HCF x 6.8250 = 13.65; rental 14 of February's 28 days: 95.00 / 2 = 47.50
    assert (bill.period_start, bill.period_end) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 14),
    )
    assert (bill.consumption, bill.water_amount, bill.rental_amount) == (
        Decimal("2.00"),
        Decimal("13.65"),
        Decimal("47.50"),
    )


def test_settlement_refunds_what_the_deposit_leaves_through_refund_approval(
    clerk, supervisor, make_user, rates
):
    # given a $1,000.00 deposit (paid) and a final bill of $163.25 (68.25 water + 95.00 rental)
    issue = meter_out(start_read="0", deposit="1000.00")
    _returned(issue, clerk, reading="10.00")
    hydrant_final_bill(issue_id=issue.pk, by=clerk)
    account_id = issue.permit.account_id
    assert account_balance(account_id) == Decimal("163.25")
    # when a supervisor settles the permit
    settled = hydrant_settle(permit_id=issue.permit_id, by=supervisor)
    # then the deposit is credited to the account and the rest waits for refund approval
    assert (settled.balance_before, settled.deposit_applied) == (
        Decimal("163.25"),
        Decimal("1000.00"),
    )
    assert (settled.refund_amount, settled.balance_due) == (Decimal("836.75"), Decimal("0.00"))
    deposit = Deposit.objects.get(pk=issue.permit.deposit_id)
    assert deposit.status == Deposit.Status.CREDITED
    request = settled.refund_request
    assert (request.kind, request.amount, request.status) == (
        REFUND_KIND,
        Decimal("836.75"),
        ApprovalRequest.Status.PENDING,
    )
    assert HydrantPermit.objects.get(pk=issue.permit_id).status == HydrantPermit.Status.CLOSED
    assert account_balance(account_id) == Decimal("-836.75")
    # when another supervisor approves the refund, the credit moves to refunds payable
    approval_approve(request_id=request.pk, by=make_user(roles.SUPERVISOR))
    assert account_balance(account_id) == Decimal("0.00")
    # settling again gives back the settlement, nothing new
    assert hydrant_settle(permit_id=issue.permit_id, by=supervisor).pk == settled.pk


def test_settlement_leaves_the_excess_billed_when_the_deposit_does_not_cover(
    clerk, supervisor, rates
):
    # given a $200.00 deposit and a final bill of 68.25 + 95.00 + 140.00 damages = $303.25
    issue = meter_out(start_read="0", deposit="200.00")
    _returned(issue, clerk, reading="10.00", parts="100", labour="40", damage=["threads_damaged"])
    hydrant_final_bill(issue_id=issue.pk, by=clerk)
    settled = hydrant_settle(permit_id=issue.permit_id, by=supervisor)
    # then the deposit covers $200.00 and $103.25 stays owed; nothing is refunded
    assert (settled.deposit_applied, settled.refund_amount, settled.balance_due) == (
        Decimal("200.00"),
        Decimal("0.00"),
        Decimal("103.25"),
    )
    assert settled.refund_request is None
    assert account_balance(issue.permit.account_id) == Decimal("103.25")


def test_a_deposit_refund_larger_than_the_deposit_held_is_refused(clerk, supervisor, rates):
    issue = meter_out(start_read="0", deposit="1000.00")
    _returned(issue, clerk, reading="10.00")
    hydrant_final_bill(issue_id=issue.pk, by=clerk)
    balance = account_balance(issue.permit.account_id)
    with pytest.raises(ServiceError) as refused:
        hydrant_settle(permit_id=issue.permit_id, by=supervisor, refund_amount="1000.01")
    assert refused.value.message_dict == {
        "refund_amount": ["The deposit held is $1,000.00: a refund of $1,000.01 is more than that."]
    }
    # nothing written: the deposit is still held, the permit still returned
    assert not HydrantSettlement.objects.exists()
    assert Deposit.objects.get(pk=issue.permit.deposit_id).status == Deposit.Status.CHARGED
    assert HydrantPermit.objects.get(pk=issue.permit_id).status == HydrantPermit.Status.RETURNED
    assert account_balance(issue.permit.account_id) == balance


def test_settlement_waits_for_the_final_bill(clerk, supervisor):
    issue = meter_out()
    _returned(issue, clerk)
    with pytest.raises(ServiceError, match="Make the final bill of meter"):
        hydrant_settle(permit_id=issue.permit_id, by=supervisor)


def test_a_lost_meter_is_charged_its_replacement_and_estimated_use(clerk, rates):
    # given a 3" meter out 01/01 at 0, read 45.00 HCF on 01/31 (1.5 HCF a day over 30 days),
    # January billed
    issue = meter_out(start_read="0", replacement_cost="1800.00")
    hydrant_read_record(
        issue_id=issue.pk,
        read_on=datetime.date(2026, 1, 31),
        reading="45.00",
        source=HydrantRead.Source.COUNTER,
        by=clerk,
    )
    hydrant_bills_run(today=datetime.date(2026, 2, 1), by=clerk)
    # when the contractor reports it lost on 02/10
    bill = hydrant_meter_lost(issue_id=issue.pk, by=clerk, reported_on=datetime.date(2026, 2, 10))
    # then: 30 days (policy) x 1.5 = 45.00 HCF x 6.8250 = 307.125 -> $307.13; the rental of
    # 02/01-02/10, 95.00 x 10/28 = 33.928... -> $33.93; and the meter's $1,800.00
    assert (bill.kind, bill.consumption) == (HydrantBill.Kind.LOST, Decimal("45.00"))
    assert (bill.water_amount, bill.rental_amount, bill.replacement_amount) == (
        Decimal("307.13"),
        Decimal("33.93"),
        Decimal("1800.00"),
    )
    assert bill.total == Decimal("2141.06")
    assert _lines(bill.journal_id) == {
        Purpose.AR_CUSTOMERS.value: Decimal("2141.06"),
        Purpose.HYDRANT_WATER.value: Decimal("-341.06"),
        Purpose.DAMAGE_RECOVERY.value: Decimal("-1800.00"),
    }
    assert HydrantMeter.objects.get(pk=issue.meter_id).status == HydrantMeter.Status.LOST
    issue.refresh_from_db()
    assert not issue.is_open
    # asked again: the same bill
    assert hydrant_meter_lost(issue_id=issue.pk, by=clerk).pk == bill.pk


def test_a_lost_meters_reads_not_billed_yet_are_billed_as_read(clerk, rates):
    # given the same meter, January not billed yet when it is lost on 01/31
    issue = meter_out(start_read="0", replacement_cost="1800.00")
    hydrant_read_record(
        issue_id=issue.pk,
        read_on=datetime.date(2026, 1, 31),
        reading="45.00",
        source=HydrantRead.Source.COUNTER,
        by=clerk,
    )
    bill = hydrant_meter_lost(issue_id=issue.pk, by=clerk, reported_on=datetime.date(2026, 1, 31))
    # 45.00 read + 45.00 estimated = 90.00 HCF x 6.8250 = $614.25; January's rental $95.00
    assert (bill.consumption, bill.water_amount, bill.rental_amount, bill.total) == (
        Decimal("90.00"),
        Decimal("614.25"),
        Decimal("95.00"),
        Decimal("2509.25"),
    )


def test_a_csr_i_cannot_settle(make_user):
    issue = meter_out()
    with pytest.raises(ServiceError, match="does not allow you to settle hydrant permits"):
        hydrant_settle(permit_id=issue.permit_id, by=make_user(roles.CSR_I))


def test_a_csr_ii_settling_is_told_a_supervisor_returns_deposits_over_the_threshold(clerk, rates):
    # the accounts rule: over "refund-approval-threshold" ($0.00) only an approver returns
    # a deposit, and crediting it to the account is returning it
    issue = meter_out(start_read="0", deposit="1000.00")
    _returned(issue, clerk, reading="10.00")
    hydrant_final_bill(issue_id=issue.pk, by=clerk)
    with pytest.raises(ServiceError, match="return a deposit over \\$0.00: it needs a supervisor"):
        hydrant_settle(permit_id=issue.permit_id, by=clerk)
    assert not HydrantSettlement.objects.exists()
    assert Deposit.objects.get(pk=issue.permit.deposit_id).status == Deposit.Status.CHARGED
