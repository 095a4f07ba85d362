"""Registrations of deposits (imported from payments/registrations.py): menu entries and the
head cashier's home panel."""

from district import navigation, panels
from district.roles import Perm
from payments.deposits import selectors

navigation.register(
    navigation.NavItem("Cash day", "payments:cash_day", Perm.BALANCE_CASH, order=62, group="cash")
)
navigation.register(
    navigation.NavItem(
        "Bank deposits", "payments:deposit_list", Perm.BALANCE_CASH, order=63, group="cash"
    )
)
navigation.register(
    navigation.NavItem(
        "Daily cash", "payments:daily_cash_report", Perm.VIEW_REPORTS, order=64, group="cash"
    )
)
panels.register(
    panels.Panel(
        "home", "cash-day", "Drawers and deposits", "payments/deposits/_panel_cash_day.html",
        lambda request, **_context: {"summary": selectors.cash_day_summary()},
        permission=Perm.BALANCE_CASH, order=6,
    )
)  # fmt: skip
