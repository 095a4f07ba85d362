"""Staff pages of bill corrections and adjustments. Thin: parse, call a service, render."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.models import ServiceAccount
from billing.corrections import leak, selectors, services
from billing.corrections.forms import AdjustmentForm, LeakForm, RebillForm
from billing.models import Bill
from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.policies import adjustment_limit_for
from district.roles import Perm
from field_ops.models import WorkOrder


def _key() -> str:
    return uuid.uuid4().hex


def _limit_text(user) -> str:
    limit = adjustment_limit_for(user)
    if limit is None:
        return "Your adjustments post at once, whatever the amount."
    if limit == 0:
        return "Your adjustments go to a supervisor for approval before they post."
    return (
        f"Adjustments up to {format_money(limit)} post at once; "
        "larger ones go to a supervisor for approval."
    )


@staff_view(Perm.ADJUST_BILLS)
def bill_rebill(request, bill_id):
    bill = get_object_or_404(
        Bill.objects.select_related("account", "replaces", "current_read"), pk=bill_id
    )
    if request.method == "POST":
        form = RebillForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["corrected_reading"] is not None:
                    new = services.bill_correct_read_and_rebill(
                        bill=bill,
                        reading=data["corrected_reading"],
                        by=request.user,
                        reason=data["reason"],
                        idempotency_key=data["idempotency_key"],
                    )
                else:
                    new = services.bill_cancel_and_rebill(
                        bill=bill,
                        by=request.user,
                        reason=data["reason"],
                        idempotency_key=data["idempotency_key"],
                    )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Bill {bill.number} was cancelled; corrected bill {new.number} posted.",
                )
                return redirect(reverse("billing:bill_rebill", kwargs={"bill_id": new.pk}))
    else:
        form = RebillForm(initial={"idempotency_key": _key()})
    replaced_by = Bill.objects.filter(replaces=bill).first()
    return render(
        request,
        "billing/corrections/rebill.html",
        {
            "bill": bill,
            "form": form,
            "replaced_by": replaced_by,
            "can_rebill": bill.status == Bill.Status.POSTED,
            "lines": bill.lines.all(),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def account_adjustments(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("customer"), pk=account_id)
    if request.method == "POST":
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                adjustment = services.adjustment_create(
                    account=account,
                    direction=data["direction"],
                    reason=data["reason"],
                    amount=data["amount"],
                    memo=data["memo"],
                    by=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if adjustment.status == adjustment.Status.POSTED:
                    messages.success(
                        request, f"The {format_money(adjustment.amount)} adjustment posted."
                    )
                else:
                    messages.info(
                        request,
                        f"The {format_money(adjustment.amount)} adjustment is waiting for a "
                        "supervisor's approval.",
                    )
                return redirect(
                    reverse("billing:account_adjustments", kwargs={"account_id": account.pk})
                )
    else:
        form = AdjustmentForm(initial={"idempotency_key": _key()})
    return render(
        request,
        "billing/corrections/adjustments.html",
        {
            "account": account,
            "form": form,
            "limit_text": _limit_text(request.user),
            "adjustments": selectors.account_adjustments(account.pk),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def leak_adjustment(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("customer"), pk=account_id)
    bills = selectors.leak_candidate_bills(account.pk)
    work_orders = selectors.leak_work_orders(account.premise_id)
    by_id = {bill.pk: bill for bill in bills}
    quote = None
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "bills" in request.GET else None)
    )
    form = LeakForm(
        data,
        request.FILES or None,
        bills=bills,
        work_orders=work_orders,
        initial={"idempotency_key": _key()},
    )
    if data is not None and form.is_valid():
        chosen = [by_id[bill_id] for bill_id in form.cleaned_data["bills"]]
        quote = leak.leak_adjustment_quote(account=account, bills=chosen)
        if request.method == "POST" and "request" in request.POST:
            order_id = form.cleaned_data["evidence_work_order"]
            try:
                adjustment = leak.leak_adjustment_request(
                    account=account,
                    bills=chosen,
                    by=request.user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    evidence_work_order=(
                        WorkOrder.objects.filter(pk=order_id).first() if order_id else None
                    ),
                    evidence_file=form.cleaned_data["evidence_file"],
                    memo=form.cleaned_data["memo"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "evidence" in error.error_dict:
                    form.add_error("evidence_work_order", error.error_dict["evidence"])
                else:
                    add_service_error(form, error)
            else:
                messages.info(
                    request,
                    f"The leak credit of {format_money(adjustment.amount)} is waiting for a "
                    "supervisor's approval.",
                )
                return redirect(
                    reverse("billing:account_adjustments", kwargs={"account_id": account.pk})
                )
    return render(
        request,
        "billing/corrections/leak.html",
        {"account": account, "form": form, "quote": quote, "has_bills": bool(bills)},
    )
