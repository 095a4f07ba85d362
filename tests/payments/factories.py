"""Cashiering builders: drawers, and a drawer opened by a cashier (a drawer session)."""

import factory

from payments.counter.services import drawer_open
from payments.models import Drawer, DrawerSession


class DrawerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drawer

    name = factory.Sequence(lambda n: f"Counter {n + 1}")


def opened_drawer(cashier, *, name: str = "Counter 2", opening_count=None) -> DrawerSession:
    """A new drawer called `name`, opened by the cashier with that count (none: no float)."""
    return drawer_open(
        drawer=DrawerFactory(name=name), cashier=cashier, opening_count=opening_count or {}
    )
