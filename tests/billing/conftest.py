"""Billing fixtures: the example rate schedule loaded, the January 2026 period of cycle M1
(route R01), a biller and a supervisor."""

import pytest

from billing.rates.services import rate_version_load
from district import roles
from tests.billing.factories import EXAMPLE, january_period


@pytest.fixture
def rates(db):
    """The example district's rate schedule (docs/examples/district-water.yaml), in force."""
    version, _ = rate_version_load(source=EXAMPLE.read_text(), by=None)
    return version


@pytest.fixture
def period(db):
    return january_period()


@pytest.fixture
def biller(make_user):
    return make_user(roles.CSR_II)


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR)
