"""Reconnection after a shut-off: when the crew goes, the fee (capped for income-qualified
households), the interest waiver once in 12 months, and the crew's completion."""

import datetime
from decimal import Decimal

import pytest

from billing.shutoffs.models import InterestWaiver
from billing.shutoffs.reconnection import fee_key
from billing.shutoffs.services import payment_received, reconnection_request
from district import roles
from district.business_days import add_business_days
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.selectors import account_balance
from district.policies import policy_update
from field_ops.models import WorkOrder
from field_ops.work_orders.services import work_order_complete, work_order_dispatch
from tests import factories
from tests.shutoffs import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user(roles.CSR_I)


@pytest.fixture
def set_policy(make_user):
    supervisor = make_user(roles.SUPERVISOR)

    def set_value(key, value):
        policy_update(key=key, value=value, by=supervisor, reason="test")

    return set_value


def _paid_and_disconnected(day, **fields):
    """Shut off the business day before `day`, the bill since paid in full."""
    account, bill = builders.eligible_account(day, **fields)
    builders.disconnected(account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9))
    factories.post_payment(account, bill.current_charges)
    return account, bill


def _fee_journal(disconnection):
    return Journal.objects.get(idempotency_key=fee_key(disconnection))


def test_paid_before_the_cut_off_on_a_business_day_reconnects_the_same_day(clerk):
    day = builders.shut_day()
    account, _ = _paid_and_disconnected(day)

    disconnection = reconnection_request(account=account, by=clerk, now=builders.local(day, 14, 59))

    order = disconnection.reconnect_order
    assert (order.order_type, order.requested_date, order.priority) == (
        WorkOrder.Type.RECONNECT,
        day,
        WorkOrder.Priority.SAME_DAY,
    )
    assert disconnection.reconnect_fee == Decimal("50.00")
    assert account_balance(account.pk) == Decimal("50.00")


def test_paid_after_the_cut_off_reconnects_the_next_business_day(clerk):
    day = builders.shut_day()
    account, _ = _paid_and_disconnected(day)

    disconnection = reconnection_request(account=account, by=clerk, now=builders.local(day, 15, 0))

    order = disconnection.reconnect_order
    assert order.requested_date == add_business_days(day, 1)
    assert order.priority == WorkOrder.Priority.ROUTINE
    assert disconnection.reconnect_fee == Decimal("50.00")


def test_after_hours_service_when_asked_charges_the_after_hours_fee(clerk):
    day = builders.shut_day()
    account, _ = _paid_and_disconnected(day)

    disconnection = reconnection_request(
        account=account, by=clerk, after_hours=True, now=builders.local(day, 18, 30)
    )

    assert disconnection.reconnect_order.requested_date == day
    assert disconnection.reconnect_fee == Decimal("150.00")
    assert _fee_journal(disconnection).memo.endswith(", after hours")


def test_asking_twice_charges_once(clerk):
    day = builders.shut_day()
    account, _ = _paid_and_disconnected(day)

    first = reconnection_request(account=account, by=clerk, now=builders.local(day, 10))
    again = reconnection_request(account=account, by=clerk, now=builders.local(day, 11))

    assert again.reconnect_order_id == first.reconnect_order_id
    assert Journal.objects.filter(idempotency_key=fee_key(first)).count() == 1
    assert WorkOrder.objects.filter(order_type=WorkOrder.Type.RECONNECT).count() == 1


def test_not_paid_is_refused(clerk):
    day = builders.shut_day()
    account, _ = builders.eligible_account(day)
    builders.disconnected(account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9))

    with pytest.raises(ServiceError) as refused:
        reconnection_request(account=account, by=clerk, now=builders.local(day, 10))

    assert refused.value.messages == [
        "The past-due balance is not paid and there is no payment arrangement: "
        "the water stays off until one or the other."
    ]
    assert not WorkOrder.objects.filter(order_type=WorkOrder.Type.RECONNECT).exists()


def test_income_qualified_fee_is_capped_at_50_plus_cpi(clerk, set_policy):
    set_policy("reconnect-fee", "85.00")
    set_policy("sb998-cpi-adjustment-percent", "12.5")
    day = builders.shut_day()
    qualified, _ = _paid_and_disconnected(day)
    builders.income_qualified(qualified, since=day - datetime.timedelta(days=200))
    other, _ = _paid_and_disconnected(day)

    capped = reconnection_request(account=qualified, by=clerk, now=builders.local(day, 10))
    full = reconnection_request(account=other, by=clerk, now=builders.local(day, 10))

    assert capped.reconnect_fee == Decimal("56.25")  # $50.00 raised by 12.5%
    assert full.reconnect_fee == Decimal("85.00")
    assert account_balance(qualified.pk) == Decimal("56.25")


def test_income_qualified_after_hours_fee_is_capped_at_150(clerk, set_policy):
    set_policy("reconnect-fee-after-hours", "225.00")
    day = builders.shut_day()
    account, _ = _paid_and_disconnected(day)
    builders.income_qualified(account, since=day - datetime.timedelta(days=200))

    disconnection = reconnection_request(
        account=account, by=clerk, after_hours=True, now=builders.local(day, 19)
    )

    assert disconnection.reconnect_fee == Decimal("150.00")


def test_interest_is_waived_once_in_12_months_not_twice(clerk):
    day = builders.shut_day()
    account, bill = builders.eligible_account(day)
    builders.income_qualified(account, since=day - datetime.timedelta(days=400))
    penalty = builders.late_penalty(account, bill, "9.00")
    builders.disconnected(account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9))
    factories.post_payment(account, "189.00")

    first = reconnection_request(account=account, by=clerk, now=builders.local(day, 10))

    waiver = InterestWaiver.objects.get()
    assert (waiver.disconnection, waiver.amount, waiver.journal_ids) == (
        first,
        Decimal("9.00"),
        [penalty.pk],
    )
    penalty.refresh_from_db()
    assert penalty.reversed_by is not None
    assert account_balance(account.pk) == Decimal("50.00") - Decimal("9.00")

    # given a second shut-off two months later, with a new penalty
    first.reconnected_at = builders.local(day, 16)
    first.save()
    later = day + datetime.timedelta(days=60)
    second_bill = builders.delinquent_bill(account, due=later - datetime.timedelta(days=61))
    second_penalty = builders.late_penalty(account, second_bill, "7.00")
    builders.disconnected(
        account, shut_off_at=builders.local(later - datetime.timedelta(days=1), 9)
    )
    factories.post_payment(account, account_balance(account.pk))

    # when
    reconnection_request(
        account=account, by=clerk, now=builders.local(add_business_days(later, 0), 10)
    )

    # then
    assert InterestWaiver.objects.count() == 1
    second_penalty.refresh_from_db()
    assert getattr(second_penalty, "reversed_by", None) is None


def test_payment_received_requests_the_reconnection_of_a_paid_up_account(clerk, at):
    day = builders.shut_day()
    account, bill = builders.eligible_account(day)
    disconnection = builders.disconnected(
        account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9)
    )
    at(day, 9)
    factories.post_payment(account, "100.00")
    assert payment_received([account.pk], by=clerk).reconnections == []

    factories.post_payment(account, "80.00")
    outcome = payment_received([account.pk], by=clerk)

    disconnection.refresh_from_db()
    assert outcome.reconnections == [disconnection]
    assert disconnection.reconnect_order.requested_date == day


def test_a_lockbox_payment_posted_by_finance_asks_for_the_reconnection_too(make_user, at):
    # Finance may not request reconnections at the counter; the payment asks all the same.
    day = builders.shut_day()
    account, _ = builders.eligible_account(day)
    disconnection = builders.disconnected(
        account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9)
    )
    at(day, 9)
    factories.post_payment(account, "180.00")

    outcome = payment_received([account.pk], by=make_user(roles.FINANCE))

    disconnection.refresh_from_db()
    assert outcome.reconnections == [disconnection]
    assert disconnection.reconnect_order is not None


def test_completing_the_reconnect_order_ends_the_disconnection(clerk, make_user, at):
    day = builders.shut_day()
    account, _ = _paid_and_disconnected(day)
    disconnection = reconnection_request(account=account, by=clerk, now=builders.local(day, 10))
    technician = make_user(roles.FIELD_TECHNICIAN)
    order = work_order_dispatch(
        work_order=disconnection.reconnect_order,
        by=make_user(roles.SUPERVISOR),
        technician=technician,
    )
    moment = at(day, 13)

    work_order_complete(work_order=order, by=technician, data={"reading": "3"})

    disconnection.refresh_from_db()
    assert disconnection.reconnected_at == moment


def test_the_waiver_reversal_is_keyed_by_the_bill(clerk):
    day = builders.shut_day()
    account, bill = builders.eligible_account(day)
    builders.income_qualified(account, since=day - datetime.timedelta(days=400))
    builders.late_penalty(account, bill, "4.50")
    builders.disconnected(account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9))
    factories.post_payment(account, "184.50")

    reconnection_request(account=account, by=clerk, now=builders.local(day, 10))

    reversal = Journal.objects.get(idempotency_key=f"late-waived:{bill.pk}")
    assert reversal.kind == Journal.Kind.REVERSAL
    assert reversal.memo.endswith(
        "interest waived for an income-qualified household at reconnection "
        "(Health & Safety Code 116914)"
    )
