"""Billing's "Bills" panels: the account page's latest 12 bills with their PDFs (1 query), and
the customer's home page's (registered in billing/registrations.py)."""

from billing.documents.portal_selectors import customer_home_panel
from billing.documents.selectors import PANEL_BILLS, account_bills


def bills_panel(request, *, account, **_context) -> dict:
    bills = account_bills(account.pk)
    return {"bills": bills, "limited": len(bills) == PANEL_BILLS}


def customer_bills_panel(request, **_context) -> dict:
    return customer_home_panel(request)
