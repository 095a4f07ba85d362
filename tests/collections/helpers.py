"""Collections test helpers: posted bills with due dates, payments, accounts with a customer
who can be written to."""

import datetime
from decimal import Decimal

from billing.models import Bill
from tests.factories import ServiceAccountFactory, post_bill, post_payment

__all__ = ["bill_due", "pay", "delinquent_account", "post_payment"]


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
