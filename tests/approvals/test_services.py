"""Approval services: filing, approving, rejecting, withdrawing, and the guards on each."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import (
    approval_approve,
    approval_cancel,
    approval_reject,
    approval_request_create,
)
from district.models import Policy

Status = ApprovalRequest.Status


def _request(kind, by, **extra):
    extra.setdefault("reason", "Customer overpaid twice")
    extra.setdefault("amount", Decimal("40.00"))
    return approval_request_create(kind=kind, by=by, **extra)


def test_create_files_a_pending_request_about_a_record(refund_kind, make_user):
    # given
    csr = make_user(roles.CSR_I)
    policy = Policy.objects.get(key="nsf-fee")
    # when
    request = approval_request_create(
        kind=refund_kind.kind,
        by=csr,
        reason="  Customer overpaid  ",
        amount=Decimal("40.5"),
        payload={"bill_id": 7, "credit": Decimal("40.50")},
        target=policy,
    )
    # then
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert request.requested_by == csr
    assert request.reason == "Customer overpaid"
    assert request.amount == Decimal("40.50")
    assert request.payload == {"bill_id": 7, "credit": "40.50"}
    assert request.target_type.model_class() is Policy
    assert request.target_id == str(policy.pk)
    assert request.target_label == "Returned payment (NSF) fee"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_create_without_a_reason_is_refused(refund_kind, make_user, reason):
    # given
    csr = make_user(roles.CSR_I)
    # when / then
    with pytest.raises(ValidationError, match="Say why"):
        approval_request_create(kind=refund_kind.kind, by=csr, reason=reason)
    assert ApprovalRequest.objects.count() == 0


def test_create_of_an_unknown_kind_is_refused(make_user):
    # given
    csr = make_user(roles.CSR_I)
    # when / then
    with pytest.raises(ValidationError, match="not a kind of request"):
        approval_request_create(kind="free-money", by=csr, reason="Please")
    assert ApprovalRequest.objects.count() == 0


def test_create_refuses_an_amount_with_fractions_of_a_cent(refund_kind, make_user):
    csr = make_user(roles.CSR_I)
    with pytest.raises(ValidationError, match="two decimals"):
        _request(refund_kind.kind, csr, amount=Decimal("1.005"))
    assert ApprovalRequest.objects.count() == 0


def test_a_repeated_idempotency_key_returns_the_first_request(refund_kind, make_user):
    # given
    csr = make_user(roles.CSR_I)
    first = _request(refund_kind.kind, csr, idempotency_key="refund-123")
    # when
    again = _request(refund_kind.kind, csr, idempotency_key="refund-123", reason="Retry")
    # then
    assert again.pk == first.pk
    assert again.reason == "Customer overpaid twice"
    assert ApprovalRequest.objects.count() == 1


def test_an_idempotency_key_of_someone_elses_request_is_refused(refund_kind, make_user):
    # given
    _request(refund_kind.kind, make_user(roles.CSR_I), idempotency_key="refund-123")
    other = make_user(roles.CSR_II)
    # when / then
    with pytest.raises(ValidationError, match="already used"):
        _request(refund_kind.kind, other, idempotency_key="refund-123")
    assert ApprovalRequest.objects.count() == 1


def test_approve_runs_the_handler_and_keeps_its_result(refund_kind, make_user):
    # given
    request = _request(refund_kind.kind, make_user(roles.CSR_I))
    supervisor = make_user(roles.SUPERVISOR)
    # when
    approved = approval_approve(request_id=request.pk, by=supervisor, reason=" Checked ")
    # then
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert approved.decided_by == supervisor
    assert approved.decided_at is not None
    assert approved.decision_reason == "Checked"
    assert approved.result == {"message": "Refund check queued.", "amount": "12.50"}
    assert refund_kind.calls == [("approve", request.pk, supervisor.pk)]
    assert Group.objects.filter(name=f"refund-{request.pk}").exists()


def test_nobody_approves_their_own_request(refund_kind, make_user):
    # given: a supervisor asks (they hold the permission)
    supervisor = make_user(roles.SUPERVISOR)
    request = _request(refund_kind.kind, supervisor)
    # when / then
    with pytest.raises(ValidationError, match="You cannot decide your own request"):
        approval_approve(request_id=request.pk, by=supervisor)
    with pytest.raises(ValidationError, match="You cannot decide your own request"):
        approval_reject(request_id=request.pk, by=supervisor, reason="Changed my mind")
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert request.decided_by is None
    assert refund_kind.calls == []


def test_the_database_refuses_a_self_decision_written_behind_the_services(refund_kind, make_user):
    # given
    request = _request(refund_kind.kind, make_user(roles.SUPERVISOR))
    # when / then
    with (
        pytest.raises(IntegrityError, match="approval_not_decided_by_requester"),
        transaction.atomic(),
    ):
        ApprovalRequest.objects.filter(pk=request.pk).update(
            status=Status.APPROVED, decided_by=F("requested_by")
        )
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert request.decided_by is None


@pytest.mark.parametrize("role", [roles.CSR_I, roles.CSR_II, roles.CSR_III, roles.FINANCE])
def test_a_role_without_the_permission_cannot_decide(refund_kind, make_user, role):
    # given
    request = _request(refund_kind.kind, make_user(roles.CSR_I))
    other = make_user(role)
    # when / then
    with pytest.raises(ValidationError, match="does not allow you to approve or reject"):
        approval_approve(request_id=request.pk, by=other)
    with pytest.raises(ValidationError, match="does not allow you to approve or reject"):
        approval_reject(request_id=request.pk, by=other, reason="No")
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert refund_kind.calls == []


def test_a_handler_error_leaves_the_request_pending_and_writes_nothing(refund_kind, make_user):
    # given
    request = _request(refund_kind.kind, make_user(roles.CSR_I))
    refund_kind.fail_with = "The account is closed; refund by check instead."
    # when
    with pytest.raises(ValidationError, match="account is closed"):
        approval_approve(request_id=request.pk, by=make_user(roles.SUPERVISOR))
    # then
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert request.decided_by is None
    assert request.result == {}
    assert not Group.objects.filter(name=f"refund-{request.pk}").exists()


def test_a_decided_request_cannot_be_decided_again(refund_kind, make_user):
    # given
    request = _request(refund_kind.kind, make_user(roles.CSR_I))
    first, second = make_user(roles.SUPERVISOR), make_user(roles.SUPERVISOR)
    approval_approve(request_id=request.pk, by=first)
    # when / then
    with pytest.raises(ValidationError, match="already approved"):
        approval_reject(request_id=request.pk, by=second, reason="Too late")
    with pytest.raises(ValidationError, match="already approved"):
        approval_approve(request_id=request.pk, by=second)
    request.refresh_from_db()
    assert request.decided_by == first
    assert len(refund_kind.calls) == 1


def test_approving_a_kind_no_app_handles_is_refused(make_user):
    # given: a request whose kind was unregistered since it was filed
    request = ApprovalRequest.objects.create(
        kind="retired-kind", requested_by=make_user(roles.CSR_I), reason="Old"
    )
    # when / then
    with pytest.raises(ValidationError, match="reject it"):
        approval_approve(request_id=request.pk, by=make_user(roles.SUPERVISOR))
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_reject_records_the_reason_and_calls_the_reject_hook(refund_kind, make_user):
    # given
    request = _request(refund_kind.kind, make_user(roles.CSR_I))
    supervisor = make_user(roles.SUPERVISOR)
    # when
    rejected = approval_reject(request_id=request.pk, by=supervisor, reason="Already refunded")
    # then
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED
    assert rejected.decided_by == supervisor
    assert rejected.decision_reason == "Already refunded"
    assert refund_kind.calls == [("reject", request.pk, supervisor.pk)]


@pytest.mark.parametrize("reason", ["", "  "])
def test_reject_without_a_reason_is_refused(refund_kind, make_user, reason):
    # given
    request = _request(refund_kind.kind, make_user(roles.CSR_I))
    # when / then
    with pytest.raises(ValidationError, match="Say why the request is rejected"):
        approval_reject(request_id=request.pk, by=make_user(roles.SUPERVISOR), reason=reason)
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert refund_kind.calls == []


def test_the_requester_withdraws_a_pending_request(refund_kind, make_user):
    # given
    csr = make_user(roles.CSR_I)
    request = _request(refund_kind.kind, csr)
    # when
    cancelled = approval_cancel(request_id=request.pk, by=csr)
    # then
    cancelled.refresh_from_db()
    assert cancelled.status == Status.CANCELLED
    assert cancelled.decided_by is None
    assert refund_kind.calls == [("reject", request.pk, csr.pk)]


def test_only_the_requester_may_withdraw(refund_kind, make_user):
    # given
    request = _request(refund_kind.kind, make_user(roles.CSR_I))
    # when / then
    with pytest.raises(ValidationError, match="Only the person who asked"):
        approval_cancel(request_id=request.pk, by=make_user(roles.SUPERVISOR))
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_a_decided_request_cannot_be_withdrawn(refund_kind, make_user):
    # given
    csr = make_user(roles.CSR_I)
    request = _request(refund_kind.kind, csr)
    approval_reject(request_id=request.pk, by=make_user(roles.SUPERVISOR), reason="No")
    # when / then
    with pytest.raises(ValidationError, match="already rejected"):
        approval_cancel(request_id=request.pk, by=csr)
    request.refresh_from_db()
    assert request.status == Status.REJECTED


def test_deciding_a_request_that_does_not_exist_is_refused(make_user):
    with pytest.raises(ValidationError, match="does not exist"):
        approval_approve(request_id=999999, by=make_user(roles.SUPERVISOR))
