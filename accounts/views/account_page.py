"""The account page (the CSR's 360): a shell of the panels each app registers for "account".

What a CSR must see at once renders with the page in a fixed few queries: the account with its
customer, premise, meters and balance (two), the flags, the balance's aging, the contact log's
form, the statement's latest lines (bills and payments among them) and the latest bills.
The other panels (LAZY_PANELS) are fetched from `account_panel`, each in its own request, as
soon as the page has loaded (a shut-off, an arrangement, collections: LOAD_AT_ONCE) or when
they scroll into view, so the page's cost does not grow with what the apps register.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.panels import PAGE, account_for_page
from district import panels
from district.access import staff_view
from district.ledger.selectors import account_activity, account_balance
from district.roles import Perm

# Panels shown in the page header rather than in the grid, and panels that take a full row.
HEADER_PANELS = {"actions"}
WIDE_PANELS = {"flags", "consumption", "activity", "timeline"}
# Panels loaded on demand: each is one request of its own when it comes into view (or a link
# without htmx). The page itself runs none of their queries.
LAZY_PANELS = {
    "shutoff",
    "payment-arrangement",
    "payments",
    "deposit",
    "service_changes",
    "programs",
    "collections",
    "autopay",
    "ach_returns",
    "adjustments",
    "refunds",
    "write-offs",
    "consumption",
    "timeline",
}
# Of those, the ones a CSR must see without scrolling: fetched as soon as the page has loaded.
LOAD_AT_ONCE = {"shutoff", "payment-arrangement", "collections"}


_NOTHING_ON_FILE = mark_safe('<p class="mb-0">Nothing on file.</p>')


def _panel_url(account_id: int, key: str) -> str:
    return reverse("accounts:account_panel", args=[account_id, key])


@staff_view(Perm.VIEW_ACCOUNTS)
def account_detail(request, account_id):
    account = account_for_page(account_id)
    lazy_urls = {key: _panel_url(account.pk, key) for key in LAZY_PANELS}
    rendered = panels.render_panels(
        PAGE, request, lazy_urls=lazy_urls, load_at_once=LOAD_AT_ONCE, account=account
    )
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
def account_panel(request, account_id, panel_key):
    """One panel of the account page: its card's content for htmx (none, and the card removed, when the
    panel has nothing to show), or a page of its own when htmx is off."""
    panel = panels.panel_for(PAGE, panel_key, request.user)
    account = account_for_page(account_id)
    html = panels.render_panel(panel, request, account=account)
    if not html.strip():
        html = ""
    if request.htmx:
        if not html:
            response = HttpResponse("")
            response["HX-Retarget"] = f"#panel-{panel.key}-card"
            response["HX-Reswap"] = "delete"
            return response
        return HttpResponse(html)
    card = {"key": panel.key, "title": panel.title, "html": html or _NOTHING_ON_FILE}
    return render(
        request,
        "accounts/account_panel.html",
        {"account": account, "panel": panel, "card": card, "wide_panels": WIDE_PANELS},
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
