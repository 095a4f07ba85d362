"""Staff pages of payment arrangements. Thin: parse, call a service, render."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.arrangements import selectors, services
from billing.arrangements.forms import ArrangementCancelForm, ArrangementForm
from district.access import staff_view
from district.errors import NotPermitted
from district.forms import add_service_error
from district.ledger.selectors import account_balance
from district.money import format_money
from district.policies import policy_value
from district.roles import Perm


def _limits_text(user) -> str:
    if not user.has_perm(Perm.PAYMENT_ARRANGEMENTS):
        return (
            "Your role files arrangements as requests: this one will go to a supervisor for "
            "review before it is active."
        )
    if user.has_perm(Perm.APPROVE_REQUESTS):
        return "Your arrangements are active at once."
    return (
        f"Arrangements of up to {policy_value('arrangement-max-months')} months and "
        f"{format_money(policy_value('arrangement-limit-csr2'))} are active at once; longer or "
        "larger ones go to a supervisor for approval."
    )


def _on_the_right_field(error: ValidationError, form) -> ValidationError:
    """The service names the installments as a whole; typed by hand, they are one field."""
    if hasattr(error, "error_dict") and "installments" in error.error_dict:
        field = "by_hand" if form.cleaned_data.get("by_hand", "").strip() else "amount"
        error.error_dict[field] = error.error_dict.pop("installments")
    return error


@staff_view(Perm.EDIT_ACCOUNTS)
def arrangement_new(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("customer"), pk=account_id)
    owed = account_balance(account.pk)
    form = ArrangementForm(
        request.POST or None,
        initial={"idempotency_key": uuid.uuid4().hex, "amount": owed if owed > 0 else ""},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = form.installment_rows()
        except ValidationError as error:
            add_service_error(form, error)
        if preview is not None and "create" in request.POST:
            try:
                arrangement = services.arrangement_create(
                    account=account,
                    kind=form.cleaned_data["kind"],
                    installments=preview,
                    by=request.user,
                    channel=form.cleaned_data["channel"],
                    notes=form.cleaned_data["notes"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as error:
                add_service_error(form, _on_the_right_field(error, form))
            else:
                if arrangement.is_active:
                    messages.success(request, "The payment arrangement is active.")
                else:
                    messages.info(
                        request, "The payment arrangement is waiting for a supervisor's review."
                    )
                return redirect(
                    reverse("arrangements:detail", kwargs={"arrangement_id": arrangement.pk})
                )
    return render(
        request,
        "arrangements/new.html",
        {
            "account": account,
            "owed": owed,
            "form": form,
            "preview": preview,
            "preview_total": sum(amount for _, amount in preview) if preview else None,
            "limits_text": _limits_text(request.user),
            "open_arrangement": selectors.arrangement_open(account.pk),
        },
    )


@staff_view(Perm.VIEW_ACCOUNTS)
def arrangement_detail(request, arrangement_id):
    arrangement = selectors.arrangement_for_page(arrangement_id)
    if arrangement is None:
        raise Http404("No such payment arrangement.")
    form = ArrangementCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangement_cancel(
                arrangement=arrangement,
                by=request.user,
                reason=form.cleaned_data["reason"],
                channel=form.cleaned_data["channel"],
            )
        except NotPermitted:
            raise  # a 403: the page showed this person no cancel form
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The payment arrangement is cancelled.")
            return redirect(request.path)
    return render(
        request,
        "arrangements/detail.html",
        {
            "arrangement": arrangement,
            "account": arrangement.account,
            "standing": selectors.arrangement_standing(arrangement, timezone.localdate()),
            "form": form,
            "can_cancel": arrangement.can_cancel
            and request.user.has_perm(Perm.PAYMENT_ARRANGEMENTS),
        },
    )
