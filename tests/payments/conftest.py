"""Fixtures of cashiering tests: a drawer, an open session, accounts owing money."""

import pytest

from district import roles
from payments.counter.services import drawer_open
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.factories import DrawerFactory


@pytest.fixture
def drawer(db):
    return DrawerFactory(name="Counter 1", location="Front lobby")


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
    post_bill(account, "120.50")
    return account
