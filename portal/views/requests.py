"""What a customer asks the office for: start, stop or transfer of service, and a payment
arrangement. Both wait for a CSR; nothing is carried out unreviewed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from district.access import customer_view
from district.forms import add_service_error
from district.ledger.selectors import account_balance
from portal import selectors, services
from portal.forms import ArrangementRequestForm, ServiceRequestForm


@customer_view
@require_http_methods(["GET", "POST"])
def service_requests(request, account_id: int):
    account = selectors.access_account(request.user, account_id)
    form = ServiceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.service_request_create(
                account=account, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you: your request (%(kind)s) is with our office. We will contact you.")
                % {"kind": _(filed.get_kind_display())},
            )
            return redirect(reverse("portal:requests", args=[account.pk]))
    return render(
        request,
        "portal/requests.html",
        {"account": account, "form": form, "requests": selectors.requests_of(account)},
        status=400 if form.is_bound else 200,
    )


@customer_view
@require_http_methods(["GET", "POST"])
def arrangement_request(request, account_id: int):
    account = selectors.access_account(request.user, account_id)
    balance = account_balance(account.pk)
    form = ArrangementRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangement_request(
                account=account,
                by=request.user,
                months=form.cleaned_data["months"],
                notes=form.cleaned_data["notes"],
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Thank you: your payment plan request is with our office for review.")
            )
            return redirect(reverse("portal:account", args=[account.pk]))
    return render(
        request,
        "portal/arrangement.html",
        {"account": account, "form": form, "balance": balance},
        status=400 if form.is_bound else 200,
    )
