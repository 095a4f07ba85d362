"""Builders of payment arrangement tests: an account that owes, an arrangement on it."""

import datetime
from decimal import Decimal

from billing.arrangements.models import Arrangement, Installment
from tests.factories import ServiceAccountFactory, post_bill


def owing_account(amount="600.00", on=datetime.date(2027, 1, 5)):
    """A service account with one bill of `amount` posted on `on`."""
    account = ServiceAccountFactory()
    post_bill(account, Decimal(amount), on)
    return account


def active_arrangement(account=None, *, rows=None, arranged_on=datetime.date(2027, 1, 10)):
    """An active arrangement written straight to the tables (no service, no contact)."""
    account = account or ServiceAccountFactory()
    rows = rows or [(datetime.date(2027, 2, 15), Decimal("100.00"))]
    arrangement = Arrangement.objects.create(
        account=account,
        kind=Arrangement.Kind.INSTALLMENTS,
        status=Arrangement.Status.ACTIVE,
        amount=sum(amount for _, amount in rows),
        arranged_on=arranged_on,
        activated_on=arranged_on,
    )
    Installment.objects.bulk_create(
        Installment(arrangement=arrangement, number=n, due_on=due_on, amount=amount)
        for n, (due_on, amount) in enumerate(rows, start=1)
    )
    return arrangement
