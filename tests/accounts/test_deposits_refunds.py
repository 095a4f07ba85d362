"""The nightly refund proposals: deposits held 12 months with good history are credited (or
refunded when final), through approval over the threshold, and proposed only once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.deposits import services
from accounts.deposits.rules import months_before
from accounts.deposits.tasks import deposit_refunds_propose_task
from accounts.models import Deposit, DepositGuideline, ServiceAccount
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_reject
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.models import Policy
from district.services import NIGHTLY_USERNAME
from field_ops.models import WorkOrder
from tests import factories
from tests.accounts.factories import charged_deposit, set_quote

pytestmark = pytest.mark.django_db
Status = Deposit.Status


def _today():
    return timezone.localdate()


def _held_deposit(make_user, *, months_ago=13, status=ServiceAccount.Status.ACTIVE):
    """A $100 deposit charged `months_ago` on a customer of three years' clean history."""
    account = factories.ServiceAccountFactory(
        start_date=_today() - datetime.timedelta(days=365 * 3)
    )
    deposit = charged_deposit(account, make_user(roles.CSR_II), quote=set_quote("100.00"))
    Deposit.objects.filter(pk=deposit.pk).update(charged_on=months_before(_today(), months_ago))
    ServiceAccount.objects.filter(pk=account.pk).update(status=status)
    account.refresh_from_db()
    return account, deposit


def _threshold(amount: str):
    Policy.objects.filter(key="refund-approval-threshold").update(value=amount)


def _settle_lines(deposit):
    deposit.refresh_from_db()
    return {
        (line.gl_account.purpose, line.amount)
        for line in JournalLine.objects.filter(journal_id=deposit.settle_journal_id).select_related(
            "gl_account"
        )
    }


def test_over_the_threshold_a_refund_is_proposed_once(make_user):
    # given: the threshold is $0.00
    _account, deposit = _held_deposit(make_user)
    # when
    first = services.deposit_refunds_propose(today=_today())
    second = services.deposit_refunds_propose(today=_today())
    # then
    assert [(p.deposit_id, p.action) for p in first] == [(deposit.pk, "approval_requested")]
    assert second == []
    request = ApprovalRequest.objects.get(kind=services.REFUND_KIND)
    assert request.amount == Decimal("100.00")
    assert request.payload["to"] == "credit"
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED


def test_the_nightly_requester_cannot_sign_in(make_user):
    # given
    _held_deposit(make_user)
    # when
    services.deposit_refunds_propose(today=_today())
    # then
    requester = ApprovalRequest.objects.get(kind=services.REFUND_KIND).requested_by
    assert requester.username == NIGHTLY_USERNAME
    assert not requester.is_active
    assert not requester.has_usable_password()


def test_an_approved_proposal_credits_the_account(make_user):
    # given
    account, deposit = _held_deposit(make_user)
    services.deposit_refunds_propose(today=_today())
    request = ApprovalRequest.objects.get(kind=services.REFUND_KIND)
    # when
    approval_approve(request_id=request.pk, by=make_user(roles.SUPERVISOR))
    # then
    deposit.refresh_from_db()
    assert deposit.status == Status.CREDITED
    assert _settle_lines(deposit) == {
        (Purpose.CUSTOMER_DEPOSITS, Decimal("100.00")),
        (Purpose.AR_CUSTOMERS, Decimal("-100.00")),
    }
    request.refresh_from_db()
    assert request.result["journal_id"] == deposit.settle_journal_id


def test_a_rejected_proposal_is_not_proposed_again(make_user):
    # given
    _account, deposit = _held_deposit(make_user)
    services.deposit_refunds_propose(today=_today())
    request = ApprovalRequest.objects.get(kind=services.REFUND_KIND)
    approval_reject(request_id=request.pk, by=make_user(roles.SUPERVISOR), reason="Review first")
    # when
    again = services.deposit_refunds_propose(today=_today())
    # then
    assert again == []
    assert ApprovalRequest.objects.filter(kind=services.REFUND_KIND).count() == 1
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED


def test_within_the_threshold_the_deposit_is_credited_at_once_and_only_once(make_user):
    # given
    _threshold("500.00")
    _account, deposit = _held_deposit(make_user)
    # when
    first = services.deposit_refunds_propose(today=_today())
    second = services.deposit_refunds_propose(today=_today())
    # then
    assert [(p.deposit_id, p.action) for p in first] == [(deposit.pk, "credited")]
    assert second == []
    deposit.refresh_from_db()
    assert deposit.status == Status.CREDITED
    assert Journal.objects.filter(kind=Journal.Kind.REFUND).count() == 1
    assert ApprovalRequest.objects.count() == 0


def test_a_final_accounts_deposit_is_refunded_through_approval(make_user):
    # given
    _account, deposit = _held_deposit(make_user, status=ServiceAccount.Status.FINAL)
    # when
    services.deposit_refunds_propose(today=_today())
    request = ApprovalRequest.objects.get(kind=services.REFUND_KIND)
    approval_approve(request_id=request.pk, by=make_user(roles.SUPERVISOR))
    # then
    assert request.payload["to"] == "refund"
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUNDED
    assert _settle_lines(deposit) == {
        (Purpose.CUSTOMER_DEPOSITS, Decimal("100.00")),
        (Purpose.REFUNDS_PAYABLE, Decimal("-100.00")),
    }


def test_a_deposit_held_less_than_the_refund_period_is_left(make_user):
    # given
    _threshold("500.00")
    _held_deposit(make_user, months_ago=11)
    # when
    proposals = services.deposit_refunds_propose(today=_today())
    # then
    assert proposals == []
    assert Journal.objects.filter(kind=Journal.Kind.REFUND).count() == 0


def test_a_customer_with_a_shut_off_is_not_refunded(make_user):
    # given
    _threshold("500.00")
    account, deposit = _held_deposit(make_user)
    WorkOrder.objects.create(
        order_type=WorkOrder.Type.SHUT_OFF,
        status=WorkOrder.Status.COMPLETED,
        completed_at=timezone.now() - datetime.timedelta(days=30),
        premise=account.premise,
        service_account_id=account.pk,
        requested_date=_today(),
    )
    # when
    proposals = services.deposit_refunds_propose(today=_today())
    # then
    assert proposals == []
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED


def test_a_pending_final_account_is_left_to_the_final_bill(make_user):
    # given
    _threshold("500.00")
    _held_deposit(make_user, status=ServiceAccount.Status.PENDING_FINAL)
    # when / then
    assert services.deposit_refunds_propose(today=_today()) == []


def test_the_refund_period_is_the_deposits_own_guidelines(make_user):
    # given: the deposit's guidelines say 24 months
    _threshold("500.00")
    _account, deposit = _held_deposit(make_user, months_ago=13)
    DepositGuideline.objects.filter(pk=deposit.guideline_id).update(refund_after_months=24)
    # when / then
    assert services.deposit_refunds_propose(today=_today()) == []


def test_the_nightly_task_runs_the_proposals(make_user):
    # given
    _account, deposit = _held_deposit(make_user)
    # when
    result = deposit_refunds_propose_task.delay(today=_today().isoformat()).get()
    again = deposit_refunds_propose_task.delay().get()
    # then
    assert [(row["deposit_id"], row["action"], row["amount"]) for row in result] == [
        (deposit.pk, "approval_requested", "100.00")
    ]
    assert again == []
    assert ApprovalRequest.objects.filter(kind=services.REFUND_KIND).count() == 1
