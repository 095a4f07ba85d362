"""Staff pages of stopping and transferring service, the start's confirmation and welcome
letter, and revert-to-owner agreements. Thin: parse, call one service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.deposits.selectors import deposit_held
from accounts.deposits.services import deposit_installments_set
from accounts.models import Deposit, ServiceAccount
from accounts.service_changes import letters, selectors, services
from accounts.service_changes.forms import (
    OWNER,
    DepositInstallmentsForm,
    OwnerAgreementEndForm,
    OwnerAgreementForm,
    StopCancelForm,
    StopForm,
    TransferForm,
    focus_first_error,
)
from district import account_actions
from district.access import staff_view
from district.forms import add_service_error
from district.ledger.selectors import account_balance
from district.money import format_money
from district.roles import Perm
from field_ops.models import Premise

# -- after the start


@staff_view(Perm.START_STOP_SERVICE)
def service_started(request, account_id):
    """The confirmation: the pending account, its order and deposit, the welcome letter."""
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    deposit = account.deposits.select_related("guideline").order_by("-created_at", "-id").first()
    held = deposit is not None and deposit.status == Deposit.Status.CHARGED and deposit.amount > 0
    may_spread = (
        held
        and deposit.installments == 1
        and deposit.guideline.max_installments > 1
        and request.user.has_perm(Perm.START_STOP_SERVICE)
    )
    return render(
        request,
        "accounts/service_changes/started.html",
        {
            "account": account,
            "work_order": selectors.start_order_of(account),
            "deposit": deposit,
            # Collect it at the counter now (payments' action), or bill it in installments.
            "deposit_actions": (
                account_actions.links_for(request.user, account.pk, account_actions.SERVICE_STARTED)
                if held
                else []
            ),
            "installment_form": (
                DepositInstallmentsForm(most=deposit.guideline.max_installments)
                if may_spread
                else None
            ),
            "letter_language": letters.letter_language(account.customer),
        },
    )


@staff_view(Perm.START_STOP_SERVICE)
@require_POST
def service_started_installments(request, account_id):
    """After the start: bill the deposit charged at once in installments instead."""
    account = get_object_or_404(ServiceAccount, pk=account_id)
    deposit = account.deposits.select_related("guideline").order_by("-created_at", "-id").first()
    if deposit is None:
        messages.error(request, "This account has no deposit to put on installments.")
        return redirect("accounts:service_started", account_id=account.pk)
    form = DepositInstallmentsForm(request.POST, most=deposit.guideline.max_installments)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("installments", [])))
        return redirect("accounts:service_started", account_id=account.pk)
    try:
        deposit = deposit_installments_set(
            deposit_id=deposit.pk, installments=form.cleaned_data["installments"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The {format_money(deposit.amount)} deposit is billed in "
            f"{deposit.installments} installments: the first is due now, the next bills "
            "charge the others.",
        )
    return redirect("accounts:service_started", account_id=account.pk)


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def welcome_letter(request, account_id):
    """The welcome letter as a PDF, in the customer's language when the district has it."""
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    pdf = letters.welcome_letter_pdf(account)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="welcome-{account.formatted_number}.pdf"'
    return response


# -- stop


def _account(account_id: int) -> ServiceAccount:
    return get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["GET", "POST"])
def service_stop(request, account_id):
    """Stop an account's service (or, while its final read is not done, cancel the stop)."""
    account = _account(account_id)
    customer = account.customer
    form = StopForm(
        request.POST or None,
        initial={
            "stop_date": timezone.localdate(),
            "forwarding_line1": customer.mailing_line1,
            "forwarding_line2": customer.mailing_line2,
            "forwarding_city": customer.mailing_city,
            "forwarding_state": customer.mailing_state or "CA",
            "forwarding_zip": customer.mailing_zip,
            "channel": "counter",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stop = services.service_stop(
                account=account,
                stop_date=data["stop_date"],
                reason=data["reason"],
                forwarding=form.forwarding(),
                notes=data["notes"],
                channel=data["channel"],
                by=request.user,
                order_due=form.field_order_due(),
                counter_read=form.counter_read(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _stopped_message(stop))
            return redirect("accounts:account_detail", account_id=account.pk)
    focus_first_error(form)
    return render(
        request,
        "accounts/service_changes/stop.html",
        {
            "account": account,
            "form": form,
            "open_stop": selectors.open_stop(account),
            "cancel_form": StopCancelForm(),
            # What the CSR tells the customer before the stop: what they owe, what is held.
            "owed_now": account_balance(account.pk),
            "deposit_held": deposit_held(account.pk),
        },
    )


def _stopped_message(stop) -> str:
    order = stop.final_read_order
    if order is not None and order.status == order.Status.COMPLETED:
        return (
            f"Service stops {stop.stop_date:%m/%d/%Y}: the final read taken at the counter is "
            "recorded and the account is pending final (its final bill is next)."
        )
    due = f" due {order.requested_date:%m/%d/%Y}" if order is not None else ""
    return (
        f"Service stops {stop.stop_date:%m/%d/%Y}: a final-read order{due} is on the dispatch "
        "board and the account is pending final."
    )


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["GET", "POST"])
def service_stop_cancel(request, account_id):
    """Take a stop back while its final read is not done (GET shows the stop and the form)."""
    account = _account(account_id)
    form = StopCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_stop_cancel(
                account=account, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The stop is cancelled: service continues.")
            return redirect("accounts:account_detail", account_id=account.pk)
    return render(
        request,
        "accounts/service_changes/stop.html",
        {
            "account": account,
            "form": None,
            "open_stop": selectors.open_stop(account),
            "cancel_form": form,
        },
        status=400 if form.errors else 200,
    )


# -- transfer


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["GET", "POST"])
def service_transfer(request, account_id):
    """Move the customer's service to another premise: find it, then the dates and details."""
    account = _account(account_id)
    query = request.GET.get("q", "").strip()
    premise = None
    premise_id = request.POST.get("premise") or request.GET.get("premise")
    if premise_id and str(premise_id).isdigit():
        premise = Premise.objects.filter(pk=int(premise_id)).first()
    form = None
    problem = None
    if premise is not None:
        problem = services.start_refusal(premise=premise, customer=account.customer)
        today = timezone.localdate()
        form = TransferForm(
            request.POST or None,
            initial={
                "premise": premise.pk,
                "stop_date": today,
                "start_date": today,
                "customer_class": selectors.default_customer_class(premise),
                "occupancy": OWNER if account.is_owner else None,
                "owner_name": premise.owner_name,
                "owner_mailing_address": premise.owner_mailing_address,
                "forwarding_line1": premise.address_line,
                "forwarding_city": premise.city,
                "forwarding_state": premise.state,
                "forwarding_zip": premise.zip_code,
                "channel": "counter",
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = services.service_transfer(
                    from_account=account,
                    to_premise=data["premise"],
                    stop_date=data["stop_date"],
                    start_date=data["start_date"],
                    forwarding=form.forwarding(),
                    customer_class=data["customer_class"],
                    is_owner=data["occupancy"] == OWNER,
                    owner_info=form.owner_info(),
                    notes=data["notes"],
                    channel=data["channel"],
                    by=request.user,
                    idempotency_key=f"transfer-{account.pk}-{premise.pk}",
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Service moves to {premise}: account "
                    f"{result.start.account.formatted_number} starts "
                    f"{result.start.account.start_date:%m/%d/%Y} with the deposit carried over.",
                )
                return redirect("accounts:service_started", account_id=result.start.account.pk)
    focus_first_error(form)
    options = selectors.premise_search(query) if query and premise is None else []
    return render(
        request,
        "accounts/service_changes/transfer.html",
        {
            "account": account,
            "query": query,
            "options": [option for option in options if option.premise.pk != account.premise_id],
            "premise": premise,
            "problem": problem,
            "form": form,
        },
    )


# -- revert-to-owner agreements


@staff_view(Perm.EDIT_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def owner_agreement(request, premise_id):
    """Record a premise's revert-to-owner agreement, or end the open one."""
    premise = get_object_or_404(Premise, pk=premise_id)
    action = request.POST.get("action") if request.method == "POST" else None
    open_agreement = selectors.open_owner_agreement(premise)
    record_form = OwnerAgreementForm(
        request.POST if action == "record" else None,
        initial={"signed_on": timezone.localdate()},
    )
    end_form = OwnerAgreementEndForm(
        request.POST if action == "end" else None, initial={"ended_on": timezone.localdate()}
    )
    form = {"record": record_form, "end": end_form}.get(action)
    if form is not None and form.is_valid():
        try:
            if action == "record":
                agreement = services.owner_agreement_record(
                    premise=premise, by=request.user, **form.cleaned_data
                )
                messages.success(
                    request, f"Service at {premise} reverts to {agreement.owner} from now on."
                )
            else:
                if open_agreement is None:
                    raise ValidationError({"ended_on": "There is no open agreement to end."})
                services.owner_agreement_end(
                    agreement=open_agreement,
                    ended_on=form.cleaned_data["ended_on"],
                    by=request.user,
                )
                messages.success(request, f"The revert-to-owner agreement at {premise} ended.")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("accounts:owner_agreement", premise_id=premise.pk)
    focus_first_error(form)
    return render(
        request,
        "accounts/service_changes/owner_agreement.html",
        {
            "premise": premise,
            "open_agreement": open_agreement,
            "agreements": selectors.owner_agreements(premise),
            "record_form": record_form,
            "end_form": end_form,
        },
    )
