"""The CSRs' queue of customers' online requests: take one into the counter's own start, stop or
transfer page, then close it as done or declined (the customer reads the outcome)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.roles import Perm
from portal import selectors, services
from portal.forms import CloseRequestForm
from portal.service_requests.models import ServiceRequest

COUNTER_PAGES = {
    ServiceRequest.Kind.START: lambda request: reverse("accounts:service_start"),
    ServiceRequest.Kind.STOP: lambda request: reverse(
        "accounts:service_stop", args=[request.service_account_id]
    ),
    ServiceRequest.Kind.TRANSFER: lambda request: reverse(
        "accounts:service_transfer", args=[request.service_account_id]
    ),
}


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["GET"])
def staff_requests(request):
    rows = list(selectors.waiting_requests()[:200])
    return render(
        request,
        "portal/staff/requests.html",
        {"rows": [(row, CloseRequestForm(prefix=f"r{row.pk}")) for row in rows]},
    )


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["POST"])
def staff_request_take(request, service_request_id: int):
    get_object_or_404(ServiceRequest, pk=service_request_id)
    try:
        taken = services.service_request_take(request_id=service_request_id, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("portal:staff_requests"))
    return redirect(COUNTER_PAGES[taken.kind](taken))


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["POST"])
def staff_request_close(request, service_request_id: int):
    get_object_or_404(ServiceRequest, pk=service_request_id)
    form = CloseRequestForm(request.POST, prefix=f"r{service_request_id}")
    if form.is_valid():
        try:
            services.service_request_close(
                request_id=service_request_id,
                by=request.user,
                done=form.cleaned_data["done"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Request closed; the customer sees the outcome.")
            return redirect(reverse("portal:staff_requests"))
    else:
        messages.error(request, "Say what was done or why it was declined, and choose the outcome.")
    return redirect(reverse("portal:staff_requests"))
