"""The counter search page: one box, live results while typing (htmx), keyboard to pick one."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.search import exact_match, search_accounts
from district import account_actions
from district.access import staff_view
from district.roles import Perm

RESULTS = 20


@staff_view(Perm.VIEW_ACCOUNTS)
def search(request):
    """Full page, or just the results for htmx; a submitted exact identifier opens its account."""
    query = request.GET.get("q", "").strip()
    hits = search_accounts(query, limit=RESULTS) if query else []
    context = {
        "query": query,
        "hits": hits,
        # Each result's registered actions (e.g. "Take payment"), as links built without queries.
        "rows": [
            (
                hit,
                account_actions.links_for(
                    request.user, hit.account_id, account_actions.SEARCH_RESULT
                ),
            )
            for hit in hits
        ],
        "limit": RESULTS,
    }
    if request.htmx:
        response = render(request, "accounts/search.html#live", context)
        # The address bar follows the box, listing (not jumping) when the page is revisited.
        listing = urlencode({"q": query, "list": 1}) if query else ""
        response["HX-Replace-Url"] = reverse("accounts:search") + (f"?{listing}" if listing else "")
        return response
    match = exact_match(hits)
    if match is not None and "list" not in request.GET:
        return redirect("accounts:account_detail", account_id=match.account_id)
    # This page has its own search box: the header's would be a second one.
    return render(request, "accounts/search.html", {**context, "search_url": None})
