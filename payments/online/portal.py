"""The customer's pay page and the page the processor sends them back to (/portal/...).

The pay page posts to the portal, which sends the customer on to the processor's hosted page:
its Content-Security-Policy lets forms go to the portal and the processor's origin only.
"""

from functools import wraps

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from district.access import customer_view
from district.errors import ServiceError
from district.forms import add_service_error
from district.ledger.selectors import account_balance
from district.money import ZERO
from payments.online import gateways
from payments.online.forms import PayConfirmForm, PayForm
from payments.online.selectors import account_online_payment
from payments.online.services import (
    online_payment_check,
    online_payment_fee,
    online_payment_quote,
    online_payment_start,
)
from portal.selectors import access_account


def processor_csp(view):
    """django-csp's per-view policy, naming the configured processor's origin (read per request:
    the gateway is a setting)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origin = gateways.gateway().origin
        policy = {
            "form-action": [SELF, origin] if origin else [SELF],
            "frame-src": [NONE],
            "connect-src": [SELF],
        }
        return csp_replace(policy)(view)(request, *args, **kwargs)

    return wrapped


@customer_view
@processor_csp
def pay(request, account_id):
    account = access_account(request.user, account_id)
    balance = account_balance(account.pk)
    context = {"account": account, "balance": balance, "quote": None}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        confirm = PayConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                payment = online_payment_start(
                    account=account,
                    amount=confirm.cleaned_data["amount"],
                    fee_shown=confirm.cleaned_data["fee_shown"],
                    by=request.user,
                    urls=lambda payment: _urls(request, account, payment),
                )
            except ServiceError as error:
                form = PayForm(initial={"amount": confirm.data.get("amount")})
                add_service_error(form, error)
                return render(request, "payments/online/pay.html", {**context, "form": form})
            # 303: the browser follows with a GET to the processor's page.
            response = HttpResponseRedirect(payment.checkout_url)
            response.status_code = 303
            return response
        form = PayForm(initial={"amount": confirm.data.get("amount")})
        form.add_error(None, _("Please enter the amount again."))
        return render(request, "payments/online/pay.html", {**context, "form": form})
    if request.method == "POST":
        form = PayForm(request.POST)
        if form.is_valid():
            try:
                quote = online_payment_quote(amount=form.cleaned_data["amount"])
            except ServiceError as error:
                add_service_error(form, error)
            else:
                confirm = PayConfirmForm(
                    initial={"amount": f"{quote.amount:.2f}", "fee_shown": f"{quote.fee:.2f}"}
                )
                return render(
                    request,
                    "payments/online/pay.html",
                    {**context, "form": form, "quote": quote, "confirm": confirm},
                )
        return render(request, "payments/online/pay.html", {**context, "form": form})
    form = PayForm(initial={"amount": f"{balance:.2f}" if balance > ZERO else ""})
    return render(
        request, "payments/online/pay.html", {**context, "form": form, "fee": online_payment_fee()}
    )


def _urls(request, account, payment) -> tuple[str, str]:
    back = reverse(
        "portal:pay_return", kwargs={"account_id": account.pk, "online_payment_id": payment.pk}
    )
    return request.build_absolute_uri(back), request.build_absolute_uri(f"{back}?cancelled=1")


@customer_view
def pay_return(request, account_id, online_payment_id):
    """Where the processor sends the customer back: the webhook may have resolved the payment
    already; if not, the processor is asked now."""
    account = access_account(request.user, account_id)
    payment = account_online_payment(account, online_payment_id)
    if payment is None:
        raise Http404("No such payment.")
    payment = online_payment_check(payment_id=payment.pk, by=request.user)
    return render(
        request,
        "payments/online/pay_return.html",
        {
            "account": account,
            "payment": payment,
            "cancelled": request.GET.get("cancelled") == "1",
        },
    )
