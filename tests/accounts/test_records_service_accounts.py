"""Service accounts: check-digit numbers, the status machine, one active account per premise."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import ServiceAccount
from accounts.numbers import is_valid_luhn
from accounts.services import (
    service_account_create,
    service_account_transition,
    service_account_update,
)
from tests.factories import CustomerFactory, PremiseFactory, ServiceAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 3, 1)
Status = ServiceAccount.Status


@pytest.fixture
def clerk(db):
    return UserFactory()


def _open(clerk, premise=None, **extra):
    return service_account_create(
        customer=CustomerFactory(),
        premise=premise or PremiseFactory(),
        customer_class=ServiceAccount.CustomerClass.RESIDENTIAL,
        start_date=START,
        billing_cycle=" m1 ",
        by=clerk,
        **extra,
    )


def test_a_new_account_is_pending_with_a_valid_check_digit_number(clerk):
    # when
    first, second = _open(clerk), _open(clerk, paperless=True)

    # then
    for account in (first, second):
        account.refresh_from_db()
        assert account.status == Status.PENDING
        assert is_valid_luhn(account.number)
        assert account.billing_cycle == "M1"
        assert account.created_by == clerk
    assert first.number != second.number
    assert second.paperless


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"customer_class": "castle"}, "customer_class"),
        ({"billing_cycle": "  "}, "billing_cycle"),
        ({"billing_frequency": "weekly"}, "billing_frequency"),
        ({"start_date": None}, "start_date"),
    ],
)
def test_bad_account_input_is_refused_by_field(clerk, overrides, field):
    arguments = {
        "customer": CustomerFactory(),
        "premise": PremiseFactory(),
        "customer_class": "residential",
        "start_date": START,
        "billing_cycle": "M1",
        "by": clerk,
        **overrides,
    }
    with pytest.raises(ValidationError) as refused:
        service_account_create(**arguments)
    assert field in refused.value.message_dict
    assert not ServiceAccount.objects.exists()


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ([Status.ACTIVE, Status.PENDING_FINAL, Status.FINAL, Status.CLOSED], True),
        ([Status.ACTIVE, Status.PENDING_FINAL, Status.ACTIVE], True),
        ([Status.CLOSED], True),
        ([Status.FINAL], False),
        ([Status.ACTIVE, Status.CLOSED], False),
        ([Status.ACTIVE, Status.PENDING_FINAL, Status.FINAL, Status.ACTIVE], False),
    ],
)
def test_transitions_follow_the_allowed_map(clerk, path, allowed):
    # given
    account = _open(clerk)

    # when
    def walk():
        for status in path:
            service_account_transition(
                account=account, to_status=status, by=clerk, on_date=datetime.date(2025, 9, 30)
            )

    # then: a refused step is the last one, and leaves the account where it was
    if allowed:
        walk()
    else:
        with pytest.raises(ValidationError) as refused:
            walk()
        assert "cannot be made" in refused.value.message_dict["to_status"][0]
    account.refresh_from_db()
    expected = path[-1] if allowed else ([Status.PENDING, *path])[-2]
    assert account.status == expected


def test_final_sets_the_end_date_and_closed_keeps_it(clerk):
    # given
    account = _open(clerk)
    for status in (Status.ACTIVE, Status.PENDING_FINAL):
        service_account_transition(account=account, to_status=status, by=clerk)

    # when
    service_account_transition(
        account=account, to_status=Status.FINAL, by=clerk, on_date=datetime.date(2025, 9, 30)
    )
    service_account_transition(
        account=account, to_status=Status.CLOSED, by=clerk, on_date=datetime.date(2025, 11, 1)
    )

    # then
    account.refresh_from_db()
    assert account.end_date == datetime.date(2025, 9, 30)


def test_final_before_the_start_is_refused(clerk):
    account = _open(clerk)
    for status in (Status.ACTIVE, Status.PENDING_FINAL):
        service_account_transition(account=account, to_status=status, by=clerk)
    with pytest.raises(ValidationError) as refused:
        service_account_transition(
            account=account, to_status=Status.FINAL, by=clerk, on_date=datetime.date(2025, 1, 1)
        )
    assert "before it started" in refused.value.message_dict["on_date"][0]
    account.refresh_from_db()
    assert (account.status, account.end_date) == (Status.PENDING_FINAL, None)


def test_a_second_active_account_on_a_premise_is_refused_by_the_service(clerk):
    # given
    premise = PremiseFactory()
    first = ServiceAccountFactory(premise=premise, status=Status.ACTIVE)
    second = _open(clerk, premise=premise)

    # when
    with pytest.raises(ValidationError) as refused:
        service_account_transition(account=second, to_status=Status.ACTIVE, by=clerk)

    # then
    assert refused.value.message_dict["to_status"] == [
        f"This premise already has an active account (#{first.formatted_number}). "
        "Stop or transfer it first."
    ]
    second.refresh_from_db()
    assert second.status == Status.PENDING


def test_a_second_active_account_on_a_premise_is_refused_by_the_database():
    premise = PremiseFactory()
    ServiceAccountFactory(premise=premise, status=Status.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceAccountFactory(premise=premise, status=Status.ACTIVE)


def test_account_update_changes_only_editable_fields(clerk):
    # given
    account = _open(clerk)

    # when
    service_account_update(
        account=account, by=clerk, customer_class="commercial", billing_cycle="m3", paperless=True
    )
    with pytest.raises(TypeError):
        service_account_update(account=account, by=clerk, status="active")

    # then
    account.refresh_from_db()
    assert (account.customer_class, account.billing_cycle, account.paperless) == (
        "commercial",
        "M3",
        True,
    )
    assert account.status == Status.PENDING


def test_a_closed_account_cannot_be_edited(clerk):
    account = _open(clerk)
    service_account_transition(account=account, to_status=Status.CLOSED, by=clerk)
    with pytest.raises(ValidationError):
        service_account_update(account=account, by=clerk, paperless=True)
    account.refresh_from_db()
    assert not account.paperless
