"""Registrations of batches (imported from payments/registrations.py): the menu entry."""

from district import navigation
from district.roles import Perm

navigation.register(
    navigation.NavItem(
        "Payment batches", "payments:batch_list", Perm.TAKE_PAYMENTS, order=61, group="cash"
    )
)
