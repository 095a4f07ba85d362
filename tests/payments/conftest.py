"""Fixtures of cashiering tests: a drawer, an open session, accounts owing money."""

from decimal import Decimal

import pytest

from district import roles
from district.ledger.models import Journal
from district.ledger.selectors import RECEIVABLE_PURPOSE
from district.ledger.services import Line, journal_post
from payments.counter.services import drawer_open
from payments.models import Drawer
from tests.factories import ServiceAccountFactory


def charge(account, amount, *, memo="Water bill", effective_date=None, key=None) -> Journal:
    """Post a charge to an account (what a bill does), so payments have something to pay."""
    amount = Decimal(amount)
    return journal_post(
        kind=Journal.Kind.BILL,
        memo=memo,
        lines=[
            Line(RECEIVABLE_PURPOSE, amount, account.pk),
            Line("water_sales_volumetric", -amount),
        ],
        by=None,
        idempotency_key=key or f"test-charge:{account.pk}:{memo}:{amount}:{effective_date}",
        effective_date=effective_date,
    )


@pytest.fixture
def drawer(db):
    return Drawer.objects.create(name="Counter 1", location="Front lobby")


@pytest.fixture
def cashier(make_user):
    return make_user(roles.CSR_I, username="cashier", first_name="Casey", last_name="Cashier")


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR, username="supervisor", first_name="Sam", last_name="Lead")


@pytest.fixture
def open_session(drawer, cashier):
    """An open drawer with a $200.00 float."""
    return drawer_open(
        drawer=drawer, cashier=cashier, opening_count={"20": 5, "10": 5, "5": 8, "1": 10}
    )


@pytest.fixture
def owing_account(db):
    account = ServiceAccountFactory()
    charge(account, "120.50")
    return account
