"""Staff pages of bill corrections and adjustments. Thin: parse, call a service, render."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.models import ServiceAccount
from billing.corrections import leak, rebill, selectors, services
from billing.corrections.forms import AdjustmentForm, LeakForm, RebillForm
from billing.models import Adjustment, Bill
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


def _call(form, service, **arguments):
    """The service's result; None when it refuses, with the refusal shown on the form."""
    try:
        return service(**arguments)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "evidence" in error.error_dict:
            # The leak service names the evidence as a whole; the form has it as two inputs.
            error.error_dict["evidence_work_order"] = error.error_dict.pop("evidence")
        add_service_error(form, error)
        return None


def _to_adjustments(account):
    return redirect(reverse("billing:account_adjustments", kwargs={"account_id": account.pk}))


@staff_view(Perm.ADJUST_BILLS)
def bill_rebill(request, bill_id):
    bill = get_object_or_404(
        Bill.objects.select_related("account", "replaces", "current_read"), pk=bill_id
    )
    form = RebillForm(request.POST or None, initial={"idempotency_key": _key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"bill": bill, "by": request.user, "reason": data["reason"]}
        if data["corrected_reading"]:
            new = _call(
                form,
                rebill.bill_correct_read_and_rebill,
                reading=data["corrected_reading"],
                idempotency_key=data["idempotency_key"],
                **common,
            )
        else:
            new = _call(
                form,
                rebill.bill_cancel_and_rebill,
                idempotency_key=data["idempotency_key"],
                **common,
            )
        if new is not None:
            messages.success(
                request, f"Bill {bill.number} was cancelled; corrected bill {new.number} posted."
            )
            return redirect(reverse("billing:bill_rebill", kwargs={"bill_id": new.pk}))
    return render(
        request,
        "billing/corrections/rebill.html",
        {
            "bill": bill,
            "form": form,
            "replaced_by": Bill.objects.filter(replaces=bill).first(),
            "is_rebill": bill.kind == Bill.Kind.REBILL,
            "can_rebill": bill.can_move_to(Bill.Status.CANCELLED),
            "lines": bill.lines.all(),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def account_adjustments(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("customer"), pk=account_id)
    form = AdjustmentForm(request.POST or None, initial={"idempotency_key": _key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        adjustment = _call(
            form,
            services.adjustment_create,
            account=account,
            direction=data["direction"],
            reason=data["reason"],
            amount=data["amount"],
            memo=data["memo"],
            by=request.user,
            idempotency_key=data["idempotency_key"],
        )
        if adjustment is not None:
            amount = format_money(adjustment.amount)
            if adjustment.status == Adjustment.Status.POSTED:
                messages.success(request, f"The {amount} adjustment posted.")
            else:
                messages.info(
                    request, f"The {amount} adjustment is waiting for a supervisor's approval."
                )
            return _to_adjustments(account)
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
        cleaned = form.cleaned_data
        chosen = [by_id[bill_id] for bill_id in cleaned["bills"]]
        quote = leak.leak_adjustment_quote(account=account, bills=chosen)
        if request.method == "POST" and "request" in request.POST:
            order_id = cleaned["evidence_work_order"]
            adjustment = _call(
                form,
                leak.leak_adjustment_request,
                account=account,
                bills=chosen,
                by=request.user,
                idempotency_key=cleaned["idempotency_key"],
                evidence_work_order=(
                    WorkOrder.objects.filter(pk=order_id).first() if order_id else None
                ),
                evidence_file=cleaned["evidence_file"],
                memo=cleaned["memo"],
            )
            if adjustment is not None:
                messages.info(
                    request,
                    f"The leak credit of {format_money(adjustment.amount)} is waiting for a "
                    "supervisor's approval.",
                )
                return _to_adjustments(account)
    return render(
        request,
        "billing/corrections/leak.html",
        {"account": account, "form": form, "quote": quote, "has_bills": bool(bills)},
    )
