"""Registrations of bank (imported from payments/registrations.py): the menu entry."""

from district import navigation
from district.roles import Perm

navigation.register(
    navigation.NavItem(
        "Bank reconciliation",
        "payments:bank_reconciliation",
        Perm.RECONCILE_BANK,
        order=65,
        group="cash",
    )
)
