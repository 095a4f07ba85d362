"""Collections fixtures: the seeded ladders, a nightly user, people in each role."""

import pytest

from district import roles
from district.services import nightly_user


@pytest.fixture
def nightly(db):
    return nightly_user()


@pytest.fixture
def csr1(make_user):
    return make_user(roles.CSR_I)


@pytest.fixture
def csr2(make_user):
    return make_user(roles.CSR_II)


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR)
