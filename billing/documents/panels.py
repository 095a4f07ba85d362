"""Billing's "Bills" panel on the account page: the latest 12 bills with their PDFs (1 query)."""

from billing.documents.portal_selectors import customer_home_panel
from billing.documents.selectors import PANEL_BILLS, account_bills
from district import panels
from district.roles import Perm


def _bills(request, *, account, **_context) -> dict:
    bills = account_bills(account.pk)
    return {"bills": bills, "limited": len(bills) == PANEL_BILLS}


panels.register(
    panels.Panel(
        "account", "bills", "Bills", "billing/bills/panels/bills.html", _bills,
        permission=Perm.VIEW_ACCOUNTS, order=50,
    )
)  # fmt: skip
panels.register(
    panels.Panel(
        "customer_home", "bills", "Your bills", "billing/portal/_home_panel.html",
        lambda request, **_context: customer_home_panel(request), order=10,
    )
)  # fmt: skip
