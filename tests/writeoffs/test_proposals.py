"""The proposal list: ended accounts owing more than the policy's days after the final bill."""

import datetime
import sys
import types
from decimal import Decimal

import pytest

from accounts.models import ServiceAccount
from billing.models import Bill
from billing.writeoffs import selectors
from billing.writeoffs.models import WriteOff
from district import roles
from tests import factories
from tests.writeoffs.factories import ended_account

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 1)
AGE = 120  # the write-off-age-days policy as seeded


def _listed(today=TODAY) -> list[int]:
    return [row.account.pk for row in selectors.write_off_proposals(today=today).rows]


def test_proposed_the_day_after_the_policy_age_not_on_it():
    # given a final account whose final bill was due 120 days before today, one due 121 days
    on_the_age = ended_account(due=TODAY - datetime.timedelta(days=AGE))
    past_the_age = ended_account(due=TODAY - datetime.timedelta(days=AGE + 1))

    # when the proposals are read
    listed = _listed()

    # then only the one more than 120 days past due is proposed
    assert listed == [past_the_age.pk]
    assert on_the_age.pk not in listed


def test_the_same_account_is_proposed_from_the_day_after():
    # given a final bill due on a day
    due = datetime.date(2026, 3, 2)
    account = ended_account(due=due)

    # then it is not proposed on the 120th day after, and is on the 121st
    assert _listed(today=due + datetime.timedelta(days=AGE)) == []
    assert _listed(today=due + datetime.timedelta(days=AGE + 1)) == [account.pk]


def test_a_row_shows_the_bill_age_balance_and_last_payment():
    # given a closed account that paid part of its final bill
    account = ended_account(
        due=datetime.date(2026, 5, 1), owed="150.00", status=ServiceAccount.Status.CLOSED
    )
    factories.post_payment(account, "40.00", datetime.date(2026, 5, 20))

    # when the proposals are read
    (row,) = selectors.write_off_proposals(today=TODAY).rows

    # then the row says what the page shows
    assert row.account == account
    assert row.bill_date == datetime.date(2026, 4, 10)
    assert row.due_date == datetime.date(2026, 5, 1)
    assert row.is_final_bill
    assert row.age_days == 153
    assert row.balance == Decimal("110.00")
    assert row.last_payment_date == datetime.date(2026, 5, 20)


def test_the_last_bill_counts_when_there_is_no_final_bill():
    # given a closed account whose last bill was a regular one
    account = ended_account(
        due=datetime.date(2026, 5, 1), kind=Bill.Kind.REGULAR, status=ServiceAccount.Status.CLOSED
    )

    # then it is proposed, from that bill
    (row,) = selectors.write_off_proposals(today=TODAY).rows
    assert row.account == account
    assert not row.is_final_bill


def test_active_paid_up_and_written_off_accounts_are_not_proposed(make_user):
    # given an old balance on an active account, an ended account owing nothing, and one
    # whose write-off is waiting for approval
    old = TODAY - datetime.timedelta(days=200)
    ended_account(due=old, status=ServiceAccount.Status.ACTIVE)
    paid = ended_account(due=old)
    factories.post_payment(paid, "120.00", old)
    asked = ended_account(due=old)
    WriteOff.objects.create(
        account=asked,
        amount=Decimal("120.00"),
        reason="Moved away",
        status=WriteOff.Status.PENDING_APPROVAL,
        balance_at_request=Decimal("120.00"),
        requested_by=make_user(roles.SUPERVISOR),
    )
    # a rejected write-off releases the balance: that account is proposed again
    rejected = ended_account(due=old)
    WriteOff.objects.create(
        account=rejected,
        amount=Decimal("120.00"),
        reason="Moved away",
        status=WriteOff.Status.REJECTED,
        balance_at_request=Decimal("120.00"),
        requested_by=make_user(roles.SUPERVISOR),
    )

    # then none is proposed but the rejected one
    assert _listed() == [rejected.pk]


def test_accounts_on_a_payment_arrangement_are_left_out(monkeypatch):
    # given two old balances, one of them on an active payment arrangement
    old = TODAY - datetime.timedelta(days=200)
    on_plan = ended_account(due=old)
    other = ended_account(due=old)
    asked = []

    def accounts_with_active_arrangement(account_ids):
        asked.append(sorted(account_ids))
        return {on_plan.pk}

    fake = types.SimpleNamespace(accounts_with_active_arrangement=accounts_with_active_arrangement)
    monkeypatch.setitem(sys.modules, selectors.ARRANGEMENTS_SELECTORS, fake)

    # when the proposals are read
    found = selectors.write_off_proposals(today=TODAY)

    # then the arrangement's account is left out, and arrangements were checked
    assert [row.account.pk for row in found.rows] == [other.pk]
    assert found.arrangements_checked
    assert asked == [sorted([on_plan.pk, other.pk])]


def test_without_the_arrangements_selector_none_is_on_one(monkeypatch):
    # given no arrangements selector to ask
    monkeypatch.setattr(selectors, "ARRANGEMENTS_SELECTORS", "billing.arrangements.not_there")
    account = ended_account(due=TODAY - datetime.timedelta(days=200))

    # then the account is proposed and the page is told arrangements were not checked
    found = selectors.write_off_proposals(today=TODAY)
    assert [row.account.pk for row in found.rows] == [account.pk]
    assert not found.arrangements_checked


def test_proposals_read_a_fixed_number_of_queries(django_assert_num_queries, monkeypatch):
    # given arrangements answered without a query, and eight old balances with payments
    monkeypatch.setattr(selectors, "ARRANGEMENTS_SELECTORS", "billing.arrangements.not_there")
    for day in range(8):
        account = ended_account(due=TODAY - datetime.timedelta(days=200 + day))
        factories.post_payment(account, "1.00", TODAY - datetime.timedelta(days=150))

    # then the policy, the accounts and the last payments: three queries for eight rows
    with django_assert_num_queries(3):
        rows = selectors.write_off_proposals(today=TODAY).rows
        assert len(rows) == 8
