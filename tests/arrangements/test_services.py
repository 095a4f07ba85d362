import datetime
from decimal import Decimal

import pytest

from accounts.models import Contact
from billing.arrangements.models import Arrangement
from billing.arrangements.schedule import arrangement_schedule
from billing.arrangements.services import (
    ONE_OPEN_MESSAGE,
    arrangement_cancel,
    arrangement_create,
)
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_cancel, approval_reject
from district.errors import NotPermitted, ServiceError
from district.policies import Policy
from portal.models import AccountLink
from tests.arrangements.factories import owing_account
from tests.factories import UserFactory, post_payment

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 1, 10)
FIRST = datetime.date(2027, 2, 15)


def _create(account, by, *, amount="600.00", count=6, first=FIRST, every="month", **extra):
    return arrangement_create(
        account=account,
        kind=extra.pop("kind", Arrangement.Kind.INSTALLMENTS),
        installments=arrangement_schedule(Decimal(amount), count, first, every),
        by=by,
        channel=extra.pop("channel", "counter"),
        on=TODAY,
        **extra,
    )


def _contacts(account):
    return list(
        Contact.objects.filter(account=account, reason=Contact.Reason.PAYMENT_PLAN)
        .order_by("id")
        .values_list("channel", "notes")
    )


def test_a_csr2_arrangement_within_limits_is_active_at_once(make_user):
    # given
    account = owing_account("600.00")
    clerk = make_user(roles.CSR_II)
    # when
    arrangement = _create(account, clerk, channel="phone")
    # then
    assert arrangement.status == Arrangement.Status.ACTIVE
    assert arrangement.amount == Decimal("600.00")
    assert arrangement.activated_on == TODAY
    assert arrangement.approval_request is None
    assert [(i.number, i.due_on, i.amount) for i in arrangement.installments.all()][:2] == [
        (1, FIRST, Decimal("100.00")),
        (2, datetime.date(2027, 3, 15), Decimal("100.00")),
    ]
    assert _contacts(account) == [
        (
            "phone",
            "Arrangement set up: Installments of $600.00, 6 installments, 02/15/2027 to "
            "07/15/2027.",
        )
    ]


def test_an_amount_over_the_csr2_limit_goes_to_a_supervisor(make_user):
    account = owing_account("2500.00")
    arrangement = _create(account, make_user(roles.CSR_II), amount="2500.00")
    assert arrangement.status == Arrangement.Status.PENDING
    request = arrangement.approval_request
    assert request.kind == "payment-arrangement"
    assert request.amount == Decimal("2500.00")
    assert "$2,500.00, over the $2,000.00 limit" in request.reason
    assert request.payload == {"arrangement_id": arrangement.pk, "account": account.number}


def test_twelve_monthly_installments_are_within_the_term(make_user):
    arrangement = _create(owing_account("600.00"), make_user(roles.CSR_II), count=12)
    assert arrangement.status == Arrangement.Status.ACTIVE


def test_a_term_over_the_policy_months_goes_to_a_supervisor(make_user):
    account = owing_account("600.00")
    arrangement = _create(account, make_user(roles.CSR_II), count=13)
    assert arrangement.status == Arrangement.Status.PENDING
    assert "a term of 13 months, over the 12-month limit" in arrangement.approval_request.reason


def test_a_csr1_may_only_file_a_request(make_user):
    account = owing_account("100.00")
    arrangement = _create(account, make_user(roles.CSR_I), amount="100.00", count=2)
    assert arrangement.status == Arrangement.Status.PENDING
    assert "filed by a CSR I" in arrangement.approval_request.reason
    assert _contacts(account)[0][1].startswith("Arrangement requested:")


def test_approval_activates_and_logs_the_decision(make_user):
    account = owing_account("2500.00")
    arrangement = _create(account, make_user(roles.CSR_II), amount="2500.00")
    supervisor = make_user(roles.SUPERVISOR)
    # when
    approval_approve(request_id=arrangement.approval_request_id, by=supervisor)
    # then
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.ACTIVE
    assert arrangement.activated_on is not None
    assert _contacts(account)[-1] == (
        "counter",
        "Arrangement approved: installments of $2,500.00.",
    )


def test_approval_is_refused_when_payments_since_leave_less_owed_than_arranged(make_user):
    account = owing_account("2500.00")
    arrangement = _create(account, make_user(roles.CSR_II), amount="2500.00")
    post_payment(account, Decimal("600.00"))
    with pytest.raises(ServiceError) as refused:
        approval_approve(request_id=arrangement.approval_request_id, by=make_user(roles.SUPERVISOR))
    assert "now owes $1,900.00, less than the $2,500.00" in str(refused.value)
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.PENDING


@pytest.mark.parametrize("decision", ["reject", "withdraw"])
def test_rejecting_or_withdrawing_marks_it_rejected(make_user, decision):
    account = owing_account("2500.00")
    clerk = make_user(roles.CSR_II)
    arrangement = _create(account, clerk, amount="2500.00")
    if decision == "reject":
        approval_reject(
            request_id=arrangement.approval_request_id,
            by=make_user(roles.SUPERVISOR),
            reason="Too long",
        )
    else:
        approval_cancel(request_id=arrangement.approval_request_id, by=clerk)
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.REJECTED
    # the account is free for a new one
    again = _create(account, clerk, amount="600.00")
    assert again.status == Arrangement.Status.ACTIVE


def test_a_second_arrangement_is_refused_and_nothing_is_written(make_user):
    account = owing_account("600.00")
    clerk = make_user(roles.CSR_II)
    _create(account, clerk, amount="300.00")
    with pytest.raises(ServiceError) as refused:
        _create(account, clerk, amount="200.00")
    assert refused.value.messages == [ONE_OPEN_MESSAGE]
    assert Arrangement.objects.filter(account=account).count() == 1
    assert len(_contacts(account)) == 1


def test_the_database_allows_one_open_arrangement_per_account(make_user):
    from django.db import IntegrityError, transaction

    account = owing_account("600.00")
    _create(account, make_user(roles.CSR_II), amount="300.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Arrangement.objects.create(
            account=account, amount=Decimal("1.00"), arranged_on=TODAY, status="pending"
        )


def test_more_than_the_account_owes_is_refused(make_user):
    account = owing_account("100.00")
    with pytest.raises(ServiceError) as refused:
        _create(account, make_user(roles.CSR_II), amount="150.00")
    assert refused.value.message_dict == {
        "installments": [
            "The installments add up to $150.00, more than the $100.00 the account owes."
        ]
    }
    assert not Arrangement.objects.filter(account=account).exists()


def test_a_deferral_is_one_date(make_user):
    account = owing_account("100.00")
    with pytest.raises(ServiceError) as refused:
        _create(account, make_user(roles.CSR_II), amount="100.00", count=2, kind="deferral")
    assert refused.value.message_dict == {
        "installments": ["A deferral is one payment on one later date."]
    }


def test_a_customer_owner_requests_online_and_it_always_goes_to_review(make_user):
    account = owing_account("100.00")
    customer_user = UserFactory()
    AccountLink.objects.create(user=customer_user, service_account=account, method="staff")
    arrangement = _create(account, customer_user, amount="100.00", count=2, channel="counter")
    assert arrangement.status == Arrangement.Status.PENDING
    assert arrangement.source == Arrangement.Source.PORTAL
    assert "requested online by the customer" in arrangement.approval_request.reason
    assert _contacts(account)[0][0] == "portal"


def test_a_customer_cannot_ask_on_someone_elses_account():
    account = owing_account("100.00")
    with pytest.raises(NotPermitted):
        _create(account, UserFactory(), amount="100.00", count=2)
    assert not Arrangement.objects.exists()


def test_finance_may_not_set_one_up(make_user):
    account = owing_account("100.00")
    with pytest.raises(NotPermitted) as refused:
        _create(account, make_user(roles.FINANCE), amount="100.00", count=2)
    assert refused.value.messages == [
        "Your role does not allow you to set up payment arrangements."
    ]


def test_cancel_needs_a_reason_and_a_csr2(make_user):
    account = owing_account("600.00")
    arrangement = _create(account, make_user(roles.CSR_II))
    with pytest.raises(NotPermitted):
        arrangement_cancel(
            arrangement=arrangement, by=make_user(roles.CSR_I), reason="x", channel="phone"
        )
    with pytest.raises(ServiceError) as refused:
        arrangement_cancel(
            arrangement=arrangement, by=make_user(roles.SUPERVISOR), reason=" ", channel="phone"
        )
    assert refused.value.message_dict == {"reason": ["Say why the arrangement is cancelled."]}
    # when
    cancelled = arrangement_cancel(
        arrangement=arrangement,
        by=make_user(roles.SUPERVISOR),
        reason="Customer moved",
        channel="phone",
    )
    # then
    assert cancelled.status == Arrangement.Status.CANCELLED
    assert cancelled.end_reason == "Customer moved"
    assert _contacts(account)[-1] == ("phone", "Arrangement cancelled: Customer moved")


def test_a_repeated_key_returns_the_first(make_user):
    account = owing_account("600.00")
    clerk = make_user(roles.CSR_II)
    first = _create(account, clerk, idempotency_key="k-1")
    again = _create(account, clerk, idempotency_key="k-1")
    assert again.pk == first.pk
    assert ApprovalRequest.objects.count() == 0
    assert Policy.objects.filter(key="arrangement-max-months").exists()


def test_a_supervisors_own_large_arrangement_is_active_at_once(make_user):
    # the supervisor is the approver, and no one approves their own request
    account = owing_account("2500.00")
    arrangement = _create(account, make_user(roles.SUPERVISOR), amount="2500.00", count=18)
    assert arrangement.status == Arrangement.Status.ACTIVE
    assert not ApprovalRequest.objects.exists()
