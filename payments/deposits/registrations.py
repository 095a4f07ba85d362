"""Registrations of deposits (imported from payments/registrations.py): menu entries."""

from district import navigation
from district.roles import Perm

navigation.register(
    navigation.NavItem("Cash day", "payments:cash_day", Perm.BALANCE_CASH, order=62)
)
navigation.register(
    navigation.NavItem("Bank deposits", "payments:deposit_list", Perm.BALANCE_CASH, order=63)
)
navigation.register(
    navigation.NavItem("Daily cash", "payments:daily_cash_report", Perm.VIEW_REPORTS, order=64)
)
