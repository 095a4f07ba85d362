"""Posting write-offs: within the limit at once, above it through another supervisor, never
more than the balance, never twice; who may propose and who may post."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import ServiceAccount
from billing.writeoffs.models import WriteOff
from billing.writeoffs.services import writeoff_post
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_cancel, approval_reject
from district.errors import NotPermitted, ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance, trial_balance
from tests import factories
from tests.writeoffs.factories import ended_account, set_policy

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _limit():
    set_policy("write-off-limit", "500.00")


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR)


def _trial_row(purpose: Purpose):
    (row,) = [row for row in trial_balance().rows if row.name == purpose.label]
    return row


def test_a_supervisor_writes_off_within_the_limit(supervisor):
    # given a final account owing $120.00
    account = ended_account(due=DUE)

    # when a supervisor writes it off
    write_off = writeoff_post(account=account, amount="120", by=supervisor, reason="Skipped")

    # then it posts one write-off journal: bad debt debited, the receivable credited
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.POSTED
    assert write_off.amount == Decimal("120.00")
    assert write_off.requested_by == supervisor
    assert write_off.approved_by is None
    assert write_off.posted_at is not None
    journal = Journal.objects.get(pk=write_off.journal_id)
    assert journal.kind == Journal.Kind.WRITE_OFF
    assert journal.idempotency_key == f"write-off:{write_off.pk}"
    lines = sorted(
        (line.gl_account.purpose, line.amount, line.service_account_id)
        for line in journal.lines.select_related("gl_account")
    )
    assert lines == [
        (Purpose.AR_CUSTOMERS, Decimal("-120.00"), account.pk),
        (Purpose.WRITE_OFFS, Decimal("120.00"), account.pk),
    ]
    # and the trial balance shows it: write-offs debit $120, the receivable at zero
    assert _trial_row(Purpose.WRITE_OFFS).debit == Decimal("120.00")
    assert _trial_row(Purpose.AR_CUSTOMERS).balance == Decimal("0.00")
    assert trial_balance().balanced
    assert account_balance(account.pk) == Decimal("0.00")
    # and the final account, settled, is closed
    account.refresh_from_db()
    assert account.status == ServiceAccount.Status.CLOSED


def test_over_the_limit_waits_for_another_supervisor(supervisor, make_user):
    # given a final account owing $620.00, over the $500.00 limit
    account = ended_account(due=DUE, owed="620.00")

    # when a supervisor writes it off
    write_off = writeoff_post(account=account, amount="620.00", by=supervisor, reason="Skipped")

    # then nothing posts: a "write-off" request waits
    assert write_off.status == WriteOff.Status.PENDING_APPROVAL
    assert write_off.journal_id is None
    assert account_balance(account.pk) == Decimal("620.00")
    request = ApprovalRequest.objects.get(pk=write_off.approval_request_id)
    assert request.kind == "write-off"
    assert request.amount == Decimal("620.00")
    assert request.payload["write_off_id"] == write_off.pk

    # and the requester cannot approve it
    with pytest.raises(ServiceError, match="You cannot decide your own request."):
        approval_approve(request_id=request.pk, by=supervisor)
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.PENDING_APPROVAL
    assert not Journal.objects.filter(kind=Journal.Kind.WRITE_OFF).exists()

    # when another supervisor approves
    other = make_user(roles.SUPERVISOR)
    approval_approve(request_id=request.pk, by=other)

    # then it posts, approved by them
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.POSTED
    assert write_off.approved_by == other
    assert account_balance(account.pk) == Decimal("0.00")
    assert _trial_row(Purpose.WRITE_OFFS).debit == Decimal("620.00")


def test_rejection_releases_the_balance(supervisor, make_user):
    # given a write-off waiting for approval
    account = ended_account(due=DUE, owed="620.00")
    write_off = writeoff_post(account=account, amount="620.00", by=supervisor, reason="Skipped")

    # when another supervisor rejects it
    approval_reject(
        request_id=write_off.approval_request_id, by=make_user(roles.SUPERVISOR), reason="Sue"
    )

    # then it is rejected, nothing posted, and the balance may be written off again
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.REJECTED
    assert account_balance(account.pk) == Decimal("620.00")
    again = writeoff_post(account=account, amount="100.00", by=supervisor, reason="Part")
    assert again.status == WriteOff.Status.POSTED


def test_a_withdrawn_request_releases_the_balance(supervisor):
    account = ended_account(due=DUE, owed="620.00")
    write_off = writeoff_post(account=account, amount="620.00", by=supervisor, reason="Skipped")

    approval_cancel(request_id=write_off.approval_request_id, by=supervisor)

    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.REJECTED


def test_the_same_balance_is_not_written_off_twice(supervisor):
    # given a balance whose write-off waits for approval
    account = ended_account(due=DUE, owed="620.00")
    writeoff_post(account=account, amount="620.00", by=supervisor, reason="Skipped")

    # when it is written off again
    with pytest.raises(ServiceError) as refused:
        writeoff_post(account=account, amount="100.00", by=supervisor, reason="Again")

    # then it is refused, and only the first exists
    assert refused.value.messages == [
        f"Account {account.formatted_number} already has a write-off (proposed, waiting for "
        "approval or posted): a balance is written off once."
    ]
    assert WriteOff.objects.filter(account=account).count() == 1


def test_a_posted_part_is_not_followed_by_a_second_write_off(supervisor):
    # given part of a balance written off
    account = ended_account(due=DUE, owed="120.00")
    writeoff_post(account=account, amount="20.00", by=supervisor, reason="Part")

    # then the rest is not written off by a second one
    with pytest.raises(ServiceError, match="already has a write-off"):
        writeoff_post(account=account, amount="100.00", by=supervisor, reason="Rest")
    assert account_balance(account.pk) == Decimal("100.00")


def test_a_paid_off_balance_is_not_written_off(supervisor):
    account = ended_account(due=DUE, owed="120.00")
    writeoff_post(account=account, amount="120.00", by=supervisor, reason="All")

    with pytest.raises(ServiceError) as refused:
        writeoff_post(account=account, amount="1.00", by=supervisor, reason="Again")

    assert refused.value.messages == [
        f"Account {account.formatted_number} owes nothing (its balance is $0.00): "
        "there is nothing to write off."
    ]


def test_never_more_than_the_balance(supervisor):
    # given a final account owing $120.00
    account = ended_account(due=DUE)

    # when $120.01 is written off
    with pytest.raises(ServiceError) as refused:
        writeoff_post(account=account, amount="120.01", by=supervisor, reason="Skipped")

    # then it is refused at the amount, and nothing is written
    assert refused.value.message_dict == {
        "amount": ["The account owes $120.00: a write-off of $120.01 is more than that."]
    }
    assert not WriteOff.objects.exists()
    assert account_balance(account.pk) == Decimal("120.00")


def test_approval_rechecks_the_balance(supervisor, make_user):
    # given a write-off waiting for approval, and a payment received meanwhile
    account = ended_account(due=DUE, owed="620.00")
    write_off = writeoff_post(account=account, amount="620.00", by=supervisor, reason="Skipped")
    factories.post_payment(account, "20.00")

    # when it is approved, it is refused: the balance is less than the write-off
    with pytest.raises(ServiceError, match=r"The account owes \$600.00"):
        approval_approve(request_id=write_off.approval_request_id, by=make_user(roles.SUPERVISOR))
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.PENDING_APPROVAL
    assert account_balance(account.pk) == Decimal("600.00")


def test_only_an_ended_account_is_written_off(supervisor):
    account = ended_account(due=DUE, status=ServiceAccount.Status.ACTIVE)

    with pytest.raises(ServiceError, match="is active: only the balance of an ended"):
        writeoff_post(account=account, amount="120.00", by=supervisor, reason="Skipped")
    assert not WriteOff.objects.exists()


def test_a_reason_is_required(supervisor):
    account = ended_account(due=DUE)

    with pytest.raises(ServiceError) as refused:
        writeoff_post(account=account, amount="120.00", by=supervisor, reason="  ")

    assert refused.value.message_dict == {"reason": ["Say why the balance cannot be collected."]}
    assert not WriteOff.objects.exists()


def test_the_csr_lead_proposes_but_does_not_post(make_user):
    # given a balance within the limit
    account = ended_account(due=DUE)
    lead = make_user(roles.CSR_III)

    # when the CSR lead writes it off
    write_off = writeoff_post(account=account, amount="120.00", by=lead, reason="Skipped")

    # then it is proposed for a supervisor; nothing posts
    assert write_off.status == WriteOff.Status.PROPOSED
    assert ApprovalRequest.objects.get(pk=write_off.approval_request_id).kind == "write-off"
    assert account_balance(account.pk) == Decimal("120.00")

    # and a supervisor's approval posts it
    approval_approve(request_id=write_off.approval_request_id, by=make_user(roles.SUPERVISOR))
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.POSTED
    assert account_balance(account.pk) == Decimal("0.00")


def test_the_csr_lead_cannot_approve(make_user):
    account = ended_account(due=DUE)
    write_off = writeoff_post(
        account=account, amount="120.00", by=make_user(roles.CSR_III), reason="Skipped"
    )

    with pytest.raises(NotPermitted):
        approval_approve(request_id=write_off.approval_request_id, by=make_user(roles.CSR_III))
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.PROPOSED


@pytest.mark.parametrize("role", [roles.CSR_I, roles.CSR_II, roles.FINANCE, roles.FIELD_TECHNICIAN])
def test_other_roles_may_not_propose(make_user, role):
    account = ended_account(due=DUE)

    with pytest.raises(NotPermitted) as refused:
        writeoff_post(account=account, amount="120.00", by=make_user(role), reason="Skipped")

    assert refused.value.messages == ["Your role does not allow you to propose write-offs."]
    assert not WriteOff.objects.exists()
    assert account_balance(account.pk) == Decimal("120.00")
