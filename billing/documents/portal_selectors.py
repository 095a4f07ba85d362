"""Reads of the customer portal's bill pages: a customer's own bills, fetched and authorized in
one call (Zulip's access_* rule: "not yours" and "does not exist" both answer 404).

A customer sees the bills of the service accounts their login holds (the portal's account
links, portal.models.AccountLink, read by their reverse name) once they are issued: posted
bills, and cancelled ones (shown as cancelled, beside the corrected bill that replaced them). Drafts (calculated or held) are the
district's work in progress and are not shown.
"""

from django.http import Http404

from billing.documents.selectors import bill_queryset
from billing.models import Bill

PORTAL_STATUSES = (Bill.Status.POSTED, Bill.Status.CANCELLED)


def customer_bills(user) -> list[Bill]:
    """The customer's issued bills, newest first, with their accounts (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Bill.objects.filter(account__portal_links__user=user, status__in=PORTAL_STATUSES)
        .select_related("account__premise")
        .order_by("-bill_date", "-id")
    )


def access_customer_bill(user, bill_id: int) -> Bill:
    """The customer's bill with everything its page prints (two queries), or Http404 when it
    does not exist, is not theirs, or is not issued yet."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such bill.")
    bill = (
        bill_queryset()
        .filter(pk=bill_id, account__portal_links__user=user, status__in=PORTAL_STATUSES)
        .first()
    )
    if bill is None:
        raise Http404("No such bill.")
    return bill


def customer_home_panel(request) -> dict:
    """The customer home page's "Your bills" panel: the latest bill (one query)."""
    latest = (
        Bill.objects.filter(account__portal_links__user=request.user, status=Bill.Status.POSTED)
        .select_related("account")
        .order_by("-bill_date", "-id")
        .first()
    )
    return {"latest_bill": latest}
