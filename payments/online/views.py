"""Staff pages of online payments, the processor's webhook, and the sandbox processor's page."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from district.access import public_view, staff_view
from district.attribution import audited_context
from district.errors import ServiceError
from district.roles import Perm
from payments.models import OnlinePayment, SandboxCheckout
from payments.online import gateways
from payments.online.forms import ReviewFailForm
from payments.online.selectors import online_payments
from payments.online.services import (
    online_event_seen,
    online_payment_check,
    online_payment_event_record,
    online_payment_fail_reviewed,
)

log = logging.getLogger(__name__)
PAGE_SIZE = 50


@staff_view(Perm.VIEW_LEDGER)
def online_payment_list(request):
    status = request.GET.get("status", "")
    if status not in OnlinePayment.Status.values:
        status = ""
    review = request.GET.get("review") == "1"
    page = Paginator(online_payments(status=status, review=review), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "payments/online/list.html",
        {
            "page": page,
            "status": status,
            "review": review,
            "statuses": OnlinePayment.Status.choices,
            "fail_form": ReviewFailForm(),
        },
    )


def _back(request):
    return redirect(f"{reverse('payments:online_payments')}?review=1")


@require_POST
@staff_view(Perm.VIEW_LEDGER)
def online_payment_recheck(request, online_payment_id):
    payment = get_object_or_404(OnlinePayment, pk=online_payment_id)
    payment = online_payment_check(payment_id=payment.pk, by=request.user)
    messages.info(request, f"{payment} is {payment.get_status_display().lower()}.")
    return _back(request)


@require_POST
@staff_view(Perm.APPROVE_REQUESTS)
def online_payment_fail(request, online_payment_id):
    """A supervisor found at the processor that an unknown payment was never charged."""
    payment = get_object_or_404(OnlinePayment, pk=online_payment_id)
    form = ReviewFailForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError("Say what the processor showed.")
        online_payment_fail_reviewed(
            payment_id=payment.pk, reason=form.cleaned_data["reason"], by=request.user
        )
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{payment} recorded as failed.")
    return _back(request)


@csrf_exempt
@require_POST
@public_view
def stripe_webhook(request):
    """Stripe's notifications: refused (400, nothing written) unless signed with the endpoint's
    secret; a replayed event id answers 200 and changes nothing."""
    gateway = gateways.StripeGateway()
    try:
        event = gateway.parse_event(request.body, request.headers)
    except gateways.BadSignature:
        return HttpResponseBadRequest("Bad signature.")
    if event is None or online_event_seen(gateway_name=gateway.name, event_id=event.event_id):
        return HttpResponse(status=200)
    # A paid checkout's event says only "paid": Stripe is asked for the payment and its card.
    outcome = event.outcome or gateway.outcome(event.checkout_reference)
    with audited_context(webhook=gateway.name, event=event.event_id):
        online_payment_event_record(
            gateway_name=gateway.name, event=event, outcome=outcome, by=None
        )
    return HttpResponse(status=200)


# -- the sandbox processor (demo and tests only: PAYMENT_GATEWAY=sandbox) -----------------------

SANDBOX_CHOICES = {
    "succeed": SandboxCheckout.Outcome.PAID,
    "fail": SandboxCheckout.Outcome.DECLINED,
    "silent": SandboxCheckout.Outcome.SILENT,
}


@public_view
def sandbox_checkout(request, sandbox_token):
    """The sandbox's "hosted payment page": it takes no card, only what should happen."""
    if settings.PAYMENT_GATEWAY != "sandbox":
        raise Http404("The sandbox processor is off.")
    checkout = get_object_or_404(SandboxCheckout, token=sandbox_token)
    if request.method == "POST":
        choice = request.POST.get("outcome", "")
        if choice == "cancel":
            return redirect(checkout.cancel_url)
        if choice in SANDBOX_CHOICES and checkout.outcome == SandboxCheckout.Outcome.OPEN:
            checkout.outcome = SANDBOX_CHOICES[choice]
            checkout.save(update_fields=["outcome"])
            gateway = gateways.SandboxGateway()
            if checkout.outcome != SandboxCheckout.Outcome.SILENT:
                # The callback a real processor sends to its webhook, before the customer returns.
                event = gateway.event_for(checkout)
                with audited_context(webhook=gateway.name, event=event.event_id):
                    online_payment_event_record(
                        gateway_name=gateway.name, event=event, outcome=event.outcome, by=None
                    )
        return redirect(checkout.return_url)
    return render(request, "payments/online/sandbox_checkout.html", {"checkout": checkout})
