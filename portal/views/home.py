"""The customer's home (every account the login holds, with its balance and due date) and the
menu's account choice. Thin: the selectors read, nothing is written here."""

from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from district import panels
from district.access import customer_view
from portal import selectors

# The menu's sections that need an account: the page each opens for one account.
SECTIONS = {
    "usage": ("portal:account", "#usage"),
    "pay": ("portal:pay", ""),
    "requests": ("portal:requests", ""),
    "settings": ("portal:settings", ""),
}


def pay_url(account_id: int) -> str | None:
    """The online payment page of an account, once paying online is installed
    (payments' `portal:pay`); until then the page says to pay by the ways on the bill."""
    try:
        return reverse("portal:pay", args=[account_id])
    except NoReverseMatch:
        return None


@customer_view
@require_http_methods(["GET"])
def portal_home(request):
    accounts = list(selectors.linked_accounts(request.user))
    summaries = selectors.account_summaries(accounts)
    for summary in summaries:
        summary.pay_url = pay_url(summary.account.pk)
    return render(
        request,
        "portal/home.html",
        # The panels other apps register for the customer's home (latest bill, autopay...).
        {"summaries": summaries, "panels": panels.render_panels("customer_home", request)},
    )


@customer_view
@require_http_methods(["GET"])
def account_choice(request, section: str):
    """Usage, Pay, Requests or Settings from the menu: straight to the one account, or a choice."""
    url_name, anchor = SECTIONS[section]
    accounts = list(selectors.linked_accounts(request.user))
    if section == "pay" and pay_url(0) is None:
        url_name, anchor = "portal:account", "#pay"
    if len(accounts) == 1:
        return redirect(reverse(url_name, args=[accounts[0].pk]) + anchor)
    choices = [(account, reverse(url_name, args=[account.pk]) + anchor) for account in accounts]
    return render(request, "portal/account_choice.html", {"choices": choices, "section": section})
