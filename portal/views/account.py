"""One account as its customer sees it, and the same page for a CSR "as the customer"
(read-only: no forms, no pay button; each opening logged)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from accounts.models import ServiceAccount
from billing.documents.explain import explain_bill
from district.access import customer_view, staff_view
from district.roles import Perm
from portal import selectors
from portal.services import staff_portal_view_log
from portal.views.home import pay_url


def account_page_context(account: ServiceAccount, *, read_only: bool) -> dict:
    summary = selectors.account_summaries([account])[0]
    bills = selectors.account_bills(account)
    usage = selectors.usage_by_period(bills)
    latest = summary.latest_bill
    # "Why is my bill high?": the counter's own comparison of the latest bill (no work orders).
    explanation = explain_bill(latest, with_orders=False) if latest else None
    return {
        "account": account,
        "summary": summary,
        "bills": bills,
        "payments": selectors.account_payments(account),
        "usage": usage,
        "usage_chart": selectors.usage_chart(usage) if usage else "",
        "explanation": explanation,
        "requests": selectors.requests_of(account),
        "read_only": read_only,
        "pay_url": None if read_only else pay_url(account.pk),
    }


@customer_view
@require_http_methods(["GET"])
def account_detail(request, account_id: int):
    account = selectors.access_account(request.user, account_id)
    return render(request, "portal/account.html", account_page_context(account, read_only=False))


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
@require_http_methods(["GET"])
def staff_view_as_customer(request, account_id: int):
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    staff_portal_view_log(account=account, by=request.user)
    return render(request, "portal/account.html", account_page_context(account, read_only=True))
