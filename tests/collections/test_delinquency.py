"""Delinquency read from the ledger: balance forward, the oldest bill paid first."""

import datetime
from decimal import Decimal

from billing.collections.selectors import delinquencies
from tests.collections.helpers import bill_due, pay
from tests.factories import ServiceAccountFactory, post_credit


def test_a_payment_pays_the_oldest_bill_first(db):
    # given three monthly bills of $100, $80 and $60 and a payment of $130
    account = ServiceAccountFactory()
    first = bill_due(account, "100.00", datetime.date(2026, 7, 20))
    second = bill_due(account, "80.00", datetime.date(2026, 8, 20))
    bill_due(account, "60.00", datetime.date(2026, 9, 20))
    pay(account, "130.00", datetime.date(2026, 9, 1))

    # when delinquency is read on October 1 (all three past due)
    fact = delinquencies([account.pk], on=datetime.date(2026, 10, 1))[account.pk]

    # then the first bill is paid and the second is the oldest unpaid ($50 of it)
    assert first.pk != fact.oldest_unpaid_bill_id
    assert fact.oldest_unpaid_bill_id == second.pk
    assert fact.oldest_due_date == datetime.date(2026, 8, 20)
    assert fact.days_delinquent == 42
    assert fact.past_due == Decimal("110.00")


def test_a_bill_not_yet_due_is_not_past_due(db):
    # given a $100 bill past due and a $60 bill due later
    account = ServiceAccountFactory()
    old = bill_due(account, "100.00", datetime.date(2026, 9, 20))
    bill_due(account, "60.00", datetime.date(2026, 10, 20))

    # when read on October 1
    fact = delinquencies([account.pk], on=datetime.date(2026, 10, 1))[account.pk]

    # then only the first bill is past due
    assert fact.oldest_unpaid_bill_id == old.pk
    assert fact.past_due == Decimal("100.00")
    assert fact.days_delinquent == 11


def test_paid_up_and_not_yet_due_accounts_are_not_delinquent(db):
    # given one account that paid in full and one whose bill is due tomorrow
    paid = ServiceAccountFactory()
    bill_due(paid, "100.00", datetime.date(2026, 9, 20))
    pay(paid, "100.00", datetime.date(2026, 9, 15))
    fresh = ServiceAccountFactory()
    bill_due(fresh, "100.00", datetime.date(2026, 10, 2))
    credited = ServiceAccountFactory()
    bill_due(credited, "40.00", datetime.date(2026, 9, 20))
    post_credit(credited, "40.00", datetime.date(2026, 9, 25))

    # when read on October 1
    found = delinquencies([paid.pk, fresh.pk, credited.pk], on=datetime.date(2026, 10, 1))

    # then none owes past due
    assert found == {}


def test_the_due_date_itself_is_not_delinquent(db):
    account = ServiceAccountFactory()
    bill_due(account, "100.00", datetime.date(2026, 10, 1))
    assert delinquencies([account.pk], on=datetime.date(2026, 10, 1)) == {}
    assert (
        delinquencies([account.pk], on=datetime.date(2026, 10, 2))[account.pk].days_delinquent == 1
    )


def test_many_accounts_in_one_query(db, django_assert_num_queries):
    accounts = [ServiceAccountFactory() for _ in range(5)]
    for account in accounts:
        bill_due(account, "50.00", datetime.date(2026, 8, 1))
        bill_due(account, "50.00", datetime.date(2026, 9, 1))
    with django_assert_num_queries(1):
        found = delinquencies([a.pk for a in accounts], on=datetime.date(2026, 10, 1))
    assert {fact.past_due for fact in found.values()} == {Decimal("100.00")}


def test_a_returned_payment_and_a_cancelled_bill_do_not_shift_the_oldest_bill(db):
    from billing.models import Bill
    from district.ledger.models import Journal
    from district.ledger.services import journal_reverse

    # given a $100 bill paid by a check that bounced, and a $50 bill cancelled and reversed
    account = ServiceAccountFactory()
    first = bill_due(account, "100.00", datetime.date(2026, 7, 20))
    check = pay(account, "100.00", datetime.date(2026, 7, 15))
    journal_reverse(journal=check, by=None, reason="NSF", idempotency_key="nsf-1")
    cancelled = bill_due(account, "50.00", datetime.date(2026, 8, 20))
    journal_reverse(
        journal=Journal.objects.get(pk=cancelled.journal_id), by=None, reason="Misread",
        idempotency_key="cancel-1",
    )  # fmt: skip
    Bill.objects.filter(pk=cancelled.pk).update(status=Bill.Status.CANCELLED)
    bill_due(account, "40.00", datetime.date(2026, 8, 21))

    # when read on October 1
    fact = delinquencies([account.pk], on=datetime.date(2026, 10, 1))[account.pk]

    # then the first bill is still the oldest unpaid, and $140 is past due
    assert fact.oldest_unpaid_bill_id == first.pk
    assert fact.past_due == Decimal("140.00")
