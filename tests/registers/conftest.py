"""The billing fixtures (the example rate schedule, January's period, a biller) for registers."""

from tests.billing.conftest import biller, period, rates, supervisor  # noqa: F401
