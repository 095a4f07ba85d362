"""Payments' part of a customer's payment history (for the deposit guidelines): their returned
payments since a date. Registered with accounts.deposits.rules in registrations.py."""

import datetime

from accounts.deposits.rules import HistoryFacts
from accounts.models import Customer
from payments.models import Payment, ReturnedItem


def returned_payments_since(customer: Customer, since: datetime.date) -> HistoryFacts:
    """Returned items on payments to any of the customer's accounts, returned on or after
    `since` (one query)."""
    payments = Payment.objects.filter(lines__account__customer=customer).values("pk")
    count = ReturnedItem.objects.filter(
        tender__payment__in=payments, returned_on__gte=since
    ).count()
    return HistoryFacts(returned_payments=count)
