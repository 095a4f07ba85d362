"""Collections staff pages (thin: parse, call one service, render).

Seeing collections is VIEW_ACCOUNTS (the queue, the panel, the notices' PDFs). Acting is the
counter's collections work, TAKE_PAYMENTS (every CSR, not Finance): recording a call, a bill
appeal or a payment on its way. A medical hold and releasing a hold are judgements, as a
payment arrangement is: PAYMENT_ARRANGEMENTS (CSR II and up). The services check the same.
The ladder is district policy: MANAGE_POLICIES (supervisors).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import ServiceAccount
from billing.collections import queue
from billing.collections.forms import HoldForm, HoldReleaseForm, LadderStepForm, PhoneAttemptForm
from billing.collections.ladder import STEP_ORDER
from billing.collections.models import CollectionHold, CustomerClass, DisconnectionNotice
from billing.collections.models import LadderStep as LadderStepModel
from billing.collections.services import (
    hold_add,
    hold_release,
    ladder_step_save,
    phone_attempt_record,
)
from billing.collections.services.notice_issue import notice_copy_pdf
from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm


def _account_page(account_id: int):
    return redirect("accounts:account_detail", account_id=account_id)


@staff_view(Perm.VIEW_ACCOUNTS)
@require_GET
def collections_queue(request):
    """Accounts in collections: where each stands on the ladder and what comes next."""
    return render(request, "collections/queue.html", {"rows": queue.collections_queue()})


@staff_view(Perm.TAKE_PAYMENTS)
@require_http_methods(["GET", "POST"])
def hold_new(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("customer"), pk=account_id)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hold = hold_add(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Collections held: {hold.get_kind_display()}.")
            return _account_page(account.pk)
    return render(
        request,
        "collections/hold_form.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@staff_view(Perm.PAYMENT_ARRANGEMENTS)
@require_http_methods(["GET", "POST"])
def hold_end(request, hold_id):
    hold = get_object_or_404(CollectionHold.objects.select_related("account"), pk=hold_id)
    form = HoldReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hold_release(hold=hold, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Hold released: {hold.get_kind_display()}.")
            return _account_page(hold.account_id)
    return render(
        request,
        "collections/hold_release.html",
        {"form": form, "hold": hold, "account": hold.account},
        status=400 if form.errors else 200,
    )


@staff_view(Perm.TAKE_PAYMENTS)
@require_http_methods(["GET", "POST"])
def phone_attempt_new(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("customer"), pk=account_id)
    form = PhoneAttemptForm(request.POST or None, initial={"phone": account.customer.phone})
    if request.method == "POST" and form.is_valid():
        try:
            attempt = phone_attempt_record(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Call recorded: {attempt.get_outcome_display()}.")
            return _account_page(account.pk)
    return render(
        request,
        "collections/phone_attempt_form.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@staff_view(Perm.VIEW_ACCOUNTS)
@require_GET
def notice_pdf(request, notice_id, copy):
    """One copy of an issued notice, rendered from the facts it was issued with."""
    notice = get_object_or_404(DisconnectionNotice, pk=notice_id)
    if copy not in notice.facts:
        raise Http404("This notice has no such copy.")
    try:
        pdf = notice_copy_pdf(notice, copy)
    except ValidationError as error:
        # The district's own details (printed on every notice) have since gone missing.
        return render(
            request,
            "collections/notice_unavailable.html",
            {"notice": notice, "errors": error.messages},
            status=409,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="disconnection-notice-{notice.pk}-{copy}.pdf"'
    )
    return response


def _ladder_table():
    steps = {(step.customer_class, step.kind): step for step in LadderStepModel.objects.all()}
    return [
        {
            "customer_class": value,
            "label": label,
            "steps": [
                {"kind": kind.value, "label": kind.label, "step": steps.get((value, kind))}
                for kind in STEP_ORDER
            ],
        }
        for value, label in CustomerClass.choices
    ]


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def ladder(request):
    """Each customer class's ladder; a step saved one at a time, refused below the floors."""
    refused = None
    if request.method == "POST":
        form = LadderStepForm(request.POST)
        customer_class, kind = request.POST.get("customer_class"), request.POST.get("kind")
        if form.is_valid():
            try:
                step = ladder_step_save(
                    customer_class=customer_class, kind=kind, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Saved: {step}.")
                return redirect("collections:ladder")
        refused = {"customer_class": customer_class, "kind": kind, "form": form}
    return render(
        request,
        "collections/ladder.html",
        {"classes": _ladder_table(), "refused": refused},
        status=400 if refused else 200,
    )
