"""What ACH returns add to the shared registries (imported from payments/registrations.py):
the menu entries of the import page and the NOC queue, and the account page's panel (the
autopay panel has no place to include it)."""

from district import navigation, panels
from district.roles import Perm
from payments.autopay.return_selectors import account_return_history


def _account_panel(request, *, account, **_context) -> dict:
    return account_return_history(account.pk)


navigation.register(
    navigation.NavItem(
        "ACH returns", "payments:ach_returns_import", Perm.BALANCE_CASH, order=67, group="cash"
    )
)
navigation.register(
    navigation.NavItem(
        "Bank account changes (NOC)",
        "payments:ach_change_queue",
        Perm.EDIT_ACCOUNTS,
        order=68,
        group="cash",
    )
)
panels.register(
    panels.Panel(
        "account", "ach_returns", "ACH returns", "payments/autopay/returns/_account_panel.html",
        _account_panel, permission=Perm.VIEW_ACCOUNTS, order=59,
    )
)  # fmt: skip
