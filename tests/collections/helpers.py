"""Collections test helpers: posted bills with due dates, payments, accounts with a customer
who can be written to."""

import datetime
from decimal import Decimal

from billing.models import Bill
from tests.factories import ServiceAccountFactory, post_bill, post_payment

__all__ = [
    "bill_due",
    "delinquent_account",
    "pay",
    "post_payment",
    "sample_hold",
    "sample_notice",
]


def bill_due(account, amount, due: datetime.date) -> Bill:
    """A posted bill of `amount` due on `due`, with its journal (billed 21 days before)."""
    billed_on = due - datetime.timedelta(days=21)
    journal = post_bill(account, amount, billed_on)
    return Bill.objects.create(
        account=account,
        kind=Bill.Kind.REGULAR,
        status=Bill.Status.POSTED,
        period_start=billed_on - datetime.timedelta(days=33),
        period_end=billed_on - datetime.timedelta(days=3),
        bill_date=billed_on,
        due_date=due,
        current_charges=Decimal(amount),
        amount_due=Decimal(amount),
        journal_id=journal.pk,
        number=f"C{journal.pk:07d}",
    )


def pay(account, amount, on: datetime.date):
    return post_payment(account, amount, on)


def delinquent_account(due: datetime.date, amount="120.00", **fields):
    """A residential account with one unpaid bill due on `due`."""
    account = ServiceAccountFactory(**fields)
    bill = bill_due(account, amount, due)
    return account, bill


def sample_notice():
    """An issued disconnection notice (for page tests, the access matrix among them)."""
    from django.utils import timezone

    from billing.collections.selectors import delinquencies
    from billing.collections.services.notice_issue import notice_issue

    today = timezone.localdate()
    account, _bill = delinquent_account(today - datetime.timedelta(days=70))
    fact = delinquencies([account.pk], on=today)[account.pk]
    return notice_issue(account=account, delinquency=fact, on=today)


def sample_hold():
    """A bill appeal hold in force (for page tests, the access matrix among them)."""
    from django.utils import timezone

    from billing.collections.models import CollectionHold

    account = ServiceAccountFactory()
    return CollectionHold.objects.create(
        account=account,
        kind=CollectionHold.Kind.APPEAL,
        evidence="Appeal letter received",
        starts_on=timezone.localdate(),
        created_at=timezone.now(),
    )
