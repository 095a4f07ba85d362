"""The account page (the CSR's 360): a shell of the panels each app registers for "account"."""

from django.shortcuts import render

from accounts.panels import account_for_page
from district import panels
from district.access import staff_view
from district.ledger.selectors import account_activity, account_balance
from district.roles import Perm

# Panels shown in the page header rather than in the grid, and panels that take a full row.
HEADER_PANELS = {"actions"}
WIDE_PANELS = {"flags", "consumption", "activity", "timeline"}


@staff_view(Perm.VIEW_ACCOUNTS)
def account_detail(request, account_id):
    account = account_for_page(account_id)
    rendered = panels.render_panels("account", request, account=account)
    return render(
        request,
        "accounts/account_page.html",
        {
            "account": account,
            "header_panels": [panel for panel in rendered if panel["key"] in HEADER_PANELS],
            "panels": [panel for panel in rendered if panel["key"] not in HEADER_PANELS],
            "wide_panels": WIDE_PANELS,
        },
    )


@staff_view(Perm.VIEW_ACCOUNTS)
def account_activity_page(request, account_id):
    """Every line of the account's statement with its running balance."""
    account = account_for_page(account_id)
    return render(
        request,
        "accounts/account_activity.html",
        {
            "account": account,
            "balance": account_balance(account.pk),
            "lines": account_activity(account.pk),
            "journal_links": request.user.has_perm(Perm.VIEW_LEDGER),
        },
    )
