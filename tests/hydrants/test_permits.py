"""Permits: the refusals when one is made, the approvals with and without the fire department,
and the fee and deposit charged to the contractor's account."""

import datetime
from decimal import Decimal

import pytest

from accounts.deposits.selectors import deposit_held
from accounts.models import Deposit, ServiceAccount
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_reject
from district.errors import NotPermitted, ServiceError
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.policies import policy_update
from hydrants.models import HydrantPermit
from hydrants.permits.rules import latest_end
from hydrants.permits.services import (
    FIRE_KIND,
    OPERATIONS_KIND,
    permit_cancel,
    permit_create,
    permit_renew,
    permit_submit,
)
from tests.factories import ServiceAccountFactory
from tests.hydrants.builders import (
    approved_permit,
    certificate,
    draft_permit,
    hydrant,
    permit_fields,
    temporary_account,
    today,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hydrant_media")]
Status = HydrantPermit.Status


@pytest.fixture
def csr(make_user):
    return make_user(roles.CSR_II)


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR)


def _set_drought_stage(stage: int, make_user) -> None:
    policy_update(key="drought-stage", value=str(stage), by=make_user(roles.SUPERVISOR))


def _lines(account, purpose) -> list[Decimal]:
    return list(
        JournalLine.objects.filter(
            service_account_id=account.pk, gl_account__purpose=purpose
        ).values_list("amount", flat=True)
    )


# -- making a permit


def test_a_draft_permit_takes_its_fee_and_deposit_from_the_size_policies(csr):
    # when
    permit = draft_permit(csr, meter_size="2")
    # then
    permit.refresh_from_db()
    assert permit.number == f"HP-{permit.pk:06d}"
    assert (permit.status, permit.permit_fee, permit.deposit_amount) == (
        Status.DRAFT,
        Decimal("150.00"),
        Decimal("2000.00"),
    )
    assert permit.insurance_policy_number == "GL-778812"
    assert permit.insurance_certificate.name.endswith(".pdf")
    assert not permit.fire_department_required
    # nothing is charged before approval
    assert account_balance(permit.account_id) == Decimal("0.00")


def test_a_hydrant_restricted_at_the_drought_stage_is_refused(csr, make_user):
    # given stage 2 in effect and a hydrant closed from stage 2
    _set_drought_stage(2, make_user)
    closed = hydrant(number="H-0777", restricted_from_drought_stage=2)
    # when
    with pytest.raises(ServiceError) as refusal:
        draft_permit(csr, hydrant=closed)
    # then
    assert refusal.value.message_dict == {
        "hydrant": [
            "Hydrant H-0777 may not be used from drought stage 2, and stage 2 is in effect: "
            "choose an unrestricted hydrant."
        ]
    }
    assert not HydrantPermit.objects.exists()


def test_the_same_hydrant_is_allowed_below_its_stage(csr, make_user):
    _set_drought_stage(1, make_user)
    permit = draft_permit(csr, hydrant=hydrant(restricted_from_drought_stage=2))
    assert permit.is_draft


def test_a_permit_over_12_months_is_refused(csr):
    # given a start on 03/15/2026: 12 months run to 03/14/2027
    start = today() + datetime.timedelta(days=1)
    last = latest_end(start)
    # when
    with pytest.raises(ServiceError) as refusal:
        draft_permit(
            csr,
            starts_on=start,
            ends_on=last + datetime.timedelta(days=1),
            insurance_expires_on=last + datetime.timedelta(days=60),
        )
    # then
    assert refusal.value.message_dict == {
        "ends_on": [
            f"A permit runs at most 12 months: this one may end on {last:%m/%d/%Y} at the "
            "latest. Renew it for longer work."
        ]
    }
    assert not HydrantPermit.objects.exists()
    # the last day itself is allowed
    assert (
        draft_permit(csr, starts_on=start, ends_on=last, insurance_expires_on=last).ends_on == last
    )


def test_latest_end_is_twelve_months_less_a_day():
    assert latest_end(datetime.date(2026, 3, 15)) == datetime.date(2027, 3, 14)
    assert latest_end(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 27)


def test_insurance_expiring_before_the_permit_ends_is_refused(csr):
    ends = today() + datetime.timedelta(days=90)
    with pytest.raises(ServiceError) as refusal:
        draft_permit(csr, ends_on=ends, insurance_expires_on=ends - datetime.timedelta(days=1))
    assert refusal.value.message_dict == {
        "insurance_expires_on": [
            f"The insurance expires on {ends - datetime.timedelta(days=1):%m/%d/%Y}, before "
            f"the permit ends on {ends:%m/%d/%Y}: ask for a certificate that covers the whole "
            "permit."
        ]
    }
    assert not HydrantPermit.objects.exists()


def test_missing_insurance_is_refused(csr):
    with pytest.raises(ServiceError) as refusal:
        draft_permit(
            csr,
            insurance_certificate=None,
            insurance_carrier="",
            insurance_policy_number="",
            insurance_expires_on=None,
        )
    assert refusal.value.message_dict == {
        "insurance_certificate": ["Attach the contractor's insurance certificate."],
        "insurance_carrier": ["Enter the insurance carrier."],
        "insurance_policy_number": ["Enter the insurance policy number."],
        "insurance_expires_on": ["Enter the day the insurance expires."],
    }


def test_a_certificate_that_is_not_a_pdf_or_photo_is_refused(csr):
    with pytest.raises(ServiceError) as refusal:
        draft_permit(csr, insurance_certificate=certificate(b"MZ\x90\x00 not a pdf", "c.pdf"))
    assert refusal.value.message_dict == {
        "insurance_certificate": ["Attach the certificate as a PDF or a photo (JPEG, PNG or HEIC)."]
    }


def test_a_residential_account_cannot_take_a_permit(csr):
    account = ServiceAccountFactory()
    with pytest.raises(ServiceError) as refusal:
        draft_permit(csr, account=account)
    assert refusal.value.message_dict == {
        "account": [
            f"Account {account.formatted_number} is residential single-family: hydrant "
            "permits go on a contractor's temporary (hydrant) account."
        ]
    }


def test_a_size_the_district_does_not_lend_is_refused(csr):
    with pytest.raises(ServiceError) as refusal:
        draft_permit(csr, meter_size="8")
    assert refusal.value.message_dict == {
        "meter_size": [
            'The district does not lend 8" hydrant meters (no permit fee and deposit are set '
            "for that size)."
        ]
    }


def test_a_csr_i_cannot_make_permits(make_user):
    with pytest.raises(NotPermitted):
        permit_create(by=make_user(roles.CSR_I), **permit_fields())
    assert not HydrantPermit.objects.exists()


# -- approvals


def test_operations_approval_alone_approves_and_charges_fee_and_deposit(csr, supervisor):
    # given a 3" permit sent for approval
    permit = permit_submit(permit=draft_permit(csr), by=csr)
    assert permit.is_pending_approval
    assert permit.fire_approval is None
    assert permit.operations_approval.kind == OPERATIONS_KIND
    # when water operations approves
    approval_approve(request_id=permit.operations_approval_id, by=supervisor)
    # then the permit is approved and the account charged $200.00 + $2,500.00
    permit.refresh_from_db()
    account = permit.account
    assert permit.status == Status.APPROVED
    assert _lines(account, Purpose.AR_CUSTOMERS) == [Decimal("200.00"), Decimal("2500.00")]
    assert _lines(account, Purpose.HYDRANT_WATER) == [Decimal("-200.00")]
    assert _lines(account, Purpose.CUSTOMER_DEPOSITS) == [Decimal("-2500.00")]
    assert account_balance(account.pk) == Decimal("2700.00")
    assert deposit_held(account.pk) == Decimal("2500.00")
    fee = Journal.objects.get(pk=permit.fee_journal_id)
    assert (fee.kind, fee.memo) == (
        Journal.Kind.FEE,
        f"Hydrant permit {permit.number} fee, account {account.formatted_number}",
    )
    assert (permit.deposit.status, permit.deposit.amount) == (
        Deposit.Status.CHARGED,
        Decimal("2500.00"),
    )


def test_with_the_fire_department_both_approvals_are_needed(csr, supervisor, make_user):
    # given a hydrant the fire department must sign off on
    permit = permit_submit(
        permit=draft_permit(csr, hydrant=hydrant(fire_department_required=True)), by=csr
    )
    assert permit.fire_department_required
    assert permit.fire_approval.kind == FIRE_KIND
    # when operations approves first
    first = approval_approve(request_id=permit.operations_approval_id, by=supervisor)
    # then the permit waits for the fire department, and nothing is charged
    permit.refresh_from_db()
    assert permit.status == Status.PENDING_APPROVAL
    assert first.result == {"permit": permit.number, "waiting_for": "Fire department"}
    assert account_balance(permit.account_id) == Decimal("0.00")
    # when the fire department's sign-off is recorded
    approval_approve(request_id=permit.fire_approval_id, by=make_user(roles.SUPERVISOR))
    # then
    permit.refresh_from_db()
    assert permit.status == Status.APPROVED
    assert account_balance(permit.account_id) == Decimal("2700.00")


def test_the_policy_can_ask_the_fire_department_for_every_permit(csr, supervisor):
    policy_update(key="hydrant-fire-review-always", value="yes", by=supervisor)
    permit = permit_submit(permit=draft_permit(csr), by=csr)
    assert permit.fire_department_required
    assert permit.fire_approval.status == ApprovalRequest.Status.PENDING


def test_a_csr_may_ask_the_fire_department_themselves(csr):
    permit = permit_submit(permit=draft_permit(csr, fire_department_required=True), by=csr)
    assert permit.fire_approval is not None


def test_a_rejection_rejects_the_permit_and_charges_nothing(csr, supervisor):
    permit = permit_submit(permit=draft_permit(csr), by=csr)
    approval_reject(request_id=permit.operations_approval_id, by=supervisor, reason="Main work")
    permit.refresh_from_db()
    assert (permit.status, permit.closed_reason) == (
        Status.REJECTED,
        "Water operations approval turned down.",
    )
    assert account_balance(permit.account_id) == Decimal("0.00")


def test_the_csr_cannot_approve_their_own_permit(make_user):
    lead = make_user(roles.SUPERVISOR)
    permit = permit_submit(permit=draft_permit(lead), by=lead)
    with pytest.raises(ServiceError, match="You cannot decide your own request."):
        approval_approve(request_id=permit.operations_approval_id, by=lead)


def test_approval_is_refused_when_the_drought_stage_rose_meanwhile(csr, supervisor):
    permit = permit_submit(
        permit=draft_permit(csr, hydrant=hydrant(restricted_from_drought_stage=3)), by=csr
    )
    policy_update(key="drought-stage", value="3", by=supervisor)
    with pytest.raises(ServiceError):
        approval_approve(request_id=permit.operations_approval_id, by=supervisor)
    permit.refresh_from_db()
    permit.operations_approval.refresh_from_db()
    assert permit.status == Status.PENDING_APPROVAL
    assert permit.operations_approval.status == ApprovalRequest.Status.PENDING


def test_a_permit_is_sent_for_approval_once(csr):
    permit = permit_submit(permit=draft_permit(csr), by=csr)
    with pytest.raises(ServiceError) as refusal:
        permit_submit(permit=permit, by=csr)
    assert refusal.value.messages == [
        f"{permit} is awaiting approval: it cannot be sent for approval."
    ]


# -- cancel and renew


def test_cancelling_an_approved_permit_reverses_the_fee_and_credits_the_deposit(csr, supervisor):
    permit = approved_permit(csr, supervisor)
    permit_cancel(permit=permit, reason="Project postponed", by=supervisor)
    permit.refresh_from_db()
    assert permit.status == Status.CANCELLED
    assert account_balance(permit.account_id) == Decimal("0.00")
    assert deposit_held(permit.account_id) == Decimal("0.00")
    assert _lines(permit.account, Purpose.HYDRANT_WATER) == [
        Decimal("-200.00"),
        Decimal("200.00"),
    ]


def test_cancelling_a_pending_permit_withdraws_its_request(csr):
    permit = permit_submit(permit=draft_permit(csr), by=csr)
    permit_cancel(permit=permit, reason="Wrong hydrant", by=csr)
    permit.refresh_from_db()
    permit.operations_approval.refresh_from_db()
    assert (permit.status, permit.closed_reason) == (Status.CANCELLED, "Wrong hydrant")
    assert permit.operations_approval.status == ApprovalRequest.Status.CANCELLED


def test_a_renewal_is_linked_and_carries_the_deposit(csr, supervisor, make_user):
    # given an approved permit
    first = approved_permit(csr, supervisor)
    ends = first.ends_on + datetime.timedelta(days=180)
    # when it is renewed and the renewal approved
    renewal = permit_renew(permit=first, ends_on=ends, insurance_expires_on=ends, by=csr)
    renewal = permit_submit(permit=renewal, by=csr)
    approval_approve(request_id=renewal.operations_approval_id, by=make_user(roles.SUPERVISOR))
    # then a new fee is charged, the deposit is the first permit's
    renewal.refresh_from_db()
    assert renewal.renewal_of == first
    assert renewal.starts_on == first.ends_on + datetime.timedelta(days=1)
    assert renewal.status == Status.APPROVED
    assert renewal.deposit_id == first.deposit_id
    assert deposit_held(first.account_id) == Decimal("2500.00")
    assert account_balance(first.account_id) == Decimal("2900.00")


def test_a_second_permit_on_an_account_holding_a_deposit_in_use_is_refused(csr, supervisor):
    account = temporary_account()
    approved_permit(csr, supervisor, account=account)
    second = permit_submit(permit=draft_permit(csr, account=account), by=csr)
    with pytest.raises(ServiceError, match="open a separate temporary account for this permit"):
        approval_approve(request_id=second.operations_approval_id, by=supervisor)
    second.refresh_from_db()
    assert second.status == Status.PENDING_APPROVAL
    assert account.customer_class == ServiceAccount.CustomerClass.TEMPORARY
