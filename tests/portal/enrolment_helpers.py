"""Accounts with bill facts to enrol with, for the enrolment tests and the access matrix."""

import datetime
from decimal import Decimal

from billing.models import Bill
from tests import factories

PASSWORD = "Rain-barrel-1987"


def billed_account(amount_due: str = "58.20", **fields):
    """An account whose last posted bill is for `amount_due`; phone ends 4321, ZIP 92000."""
    customer = factories.CustomerFactory(phone="5555554321")
    account = factories.ServiceAccountFactory(customer=customer, **fields)
    Bill.objects.create(
        account=account,
        status=Bill.Status.POSTED,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        bill_date=datetime.date(2026, 10, 3),
        due_date=datetime.date(2026, 10, 24),
        amount_due=Decimal(amount_due),
        number=f"T{account.number}",
        journal_id=account.pk,  # a posted bill names its journal; the tests read only the amount
    )
    return account


def enrol_data(account, **overrides) -> dict:
    data = {
        "account_number": account.formatted_number,
        "last_bill_amount": "58.20",
        "service_zip": "",
        "phone_last_four": "",
        "email": "pat@example.com",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data
