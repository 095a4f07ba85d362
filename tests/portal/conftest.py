"""A customer whose login holds two service accounts with bills, and another customer."""

import datetime
from decimal import Decimal

import pytest

from district import roles
from portal.models import AccountLink
from tests import factories
from tests.billing.factories import account_with_meter, make_bill

D = datetime.date


def link(user, account) -> AccountLink:
    return AccountLink.objects.create(user=user, service_account=account, method="staff")


def billed_account(months: int = 3, *, start_year: int = 2025, use: str = "9"):
    """An account with a posted monthly bill for each of `months` months from January."""
    account, meter = account_with_meter()
    reading = Decimal("100")
    for index in range(months):
        year, month = start_year + index // 12, index % 12 + 1
        start = D(year, month, 1)
        end = (D(year + (month == 12), month % 12 + 1, 1)) - datetime.timedelta(days=1)
        reading += Decimal(use)
        make_bill(account, period_start=start, period_end=end, consumption=Decimal(use),
                  meter=meter, reading=reading)  # fmt: skip
    return account


@pytest.fixture
def customer(make_user):
    """A customer login holding two billed accounts; `.accounts` lists them by number."""
    user = make_user(roles.CUSTOMER)
    first, second = billed_account(3), billed_account(2, use="5")
    link(user, first)
    link(user, second)
    user.accounts = sorted([first, second], key=lambda account: account.number)
    return user


@pytest.fixture
def other_account():
    """Another customer's account with a bill (never linked to `customer`)."""
    account = billed_account(1)
    factories.post_payment(account, Decimal("5.00"))
    return account


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    client.user = customer
    return client
