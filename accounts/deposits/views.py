"""Deposit pages: an account's deposit (charge, waive, letter of credit), the guidelines and
their versions, and the account page's Deposit panel. Thin: parse, call a service, render."""

import datetime
import functools
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.deposits import interest, rules, selectors, services
from accounts.deposits.forms import (
    DepositChargeForm,
    DepositGuidelineForm,
    DepositWaiveForm,
    LetterOfCreditForm,
)
from accounts.deposits.installments import installments_left_text
from accounts.models import Deposit, DepositGuideline, ServiceAccount
from accounts.panels import account_for_page
from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.roles import Perm


def _account_url(account: ServiceAccount) -> str:
    return reverse("accounts:account_detail", kwargs={"account_id": account.pk})


def _deposit_url(account: ServiceAccount) -> str:
    return reverse("accounts:account_deposit", kwargs={"account_id": account.pk})


# -- rows shown on the panel and the page ------------------------------------------------------


@dataclass(frozen=True)
class DepositRow:
    deposit: Deposit
    status: str  # in words: colour is never the only signal
    tone: str  # a Bootstrap badge class that repeats the words
    installments: str


def _status(deposit: Deposit) -> tuple[str, str]:
    if deposit.status == Deposit.Status.CHARGED and deposit.amount == 0:
        return "No deposit due", "text-bg-light border"
    if deposit.status == Deposit.Status.CHARGED and deposit.closed_on is not None:
        carried_to = getattr(deposit, "carried_to", None)
        where = f" to account {carried_to.account.formatted_number}" if carried_to else ""
        return f"Carried over{where} on {deposit.closed_on:%m/%d/%Y}", "text-bg-secondary"
    if deposit.status == Deposit.Status.CHARGED:
        return "Held", "text-bg-primary"
    if deposit.status == Deposit.Status.PENDING_APPROVAL:
        return deposit.get_status_display(), "text-bg-warning"
    return deposit.get_status_display(), "text-bg-secondary"


def deposit_rows(deposits: list[Deposit]) -> list[DepositRow]:
    rows = []
    for deposit in deposits:
        status, tone = _status(deposit)
        if deposit.amount == 0 or deposit.status != Deposit.Status.CHARGED:
            installments = ""
        elif deposit.installments == 1:
            installments = "At once"
        else:
            installments = f"{deposit.installments} installments"
            left = installments_left_text(
                getattr(deposit, "installments_left", 0) or 0,
                getattr(deposit, "installments_left_amount", None) or 0,
            )
            if left:
                installments = f"{installments}; {left}"
        rows.append(DepositRow(deposit, status, tone, installments))
    return rows


# -- the account page's panel (registered in registrations.py): two queries --------------------


def deposit_panel(request, *, account, **_context) -> dict:
    deposits = selectors.account_deposits(account)
    user = request.user
    actions = []
    if user.has_perm(Perm.START_STOP_SERVICE):
        actions.append(("Deposit: charge or waive", _deposit_url(account)))
    if user.has_perm(Perm.ADJUST_BILLS):
        actions.append(
            (
                "Record a letter of credit",
                reverse("accounts:account_deposit_letter", kwargs={"account_id": account.pk}),
            )
        )
    return {
        "rows": deposit_rows(deposits),
        "held": selectors.deposit_held(account.pk),
        "deposit_actions": actions,
        "interest": interest.interest_summary(deposits, today=timezone.localdate()),
    }


# -- an account's deposit ----------------------------------------------------------------------


def _quote_for(account: ServiceAccount, on_date: datetime.date):
    """(quote, error message) for the account as it stands today."""
    try:
        quote = rules.deposit_quote(
            customer=account.customer,
            premise=account.premise,
            customer_class=account.customer_class,
            meter_size=selectors.largest_meter_size(account.premise.current_meters),
            is_owner=account.is_owner,
            on_date=on_date,
        )
    except ValidationError as error:
        return None, " ".join(error.messages)
    return quote, ""


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["GET", "POST"])
def account_deposit(request, account_id):
    """The deposit the guidelines ask of this account, and charging or waiving it."""
    account = account_for_page(account_id)
    quote, quote_error = _quote_for(account, timezone.localdate())
    max_installments = quote.guideline.max_installments if quote else 1
    action = request.POST.get("action") if request.method == "POST" else None
    # Two forms on one page: their own id prefixes keep the ids unique.
    charge_form = DepositChargeForm(
        request.POST if action == "charge" else None,
        max_installments=max_installments,
        auto_id="charge-%s",
    )
    waive_form = DepositWaiveForm(request.POST if action == "waive" else None, auto_id="waive-%s")
    status = 200
    if action in {"charge", "waive"}:
        form = charge_form if action == "charge" else waive_form
        if quote is None:
            form.add_error(None, quote_error)
        elif form.is_valid():
            try:
                deposit = _act(request, action, account, quote, form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _done_message(deposit))
                return redirect(_account_url(account))
        status = 400
    current = selectors.current_deposit(account)
    return render(
        request,
        "accounts/deposits/account_deposit.html",
        {
            "account": account,
            "account_url": _account_url(account),
            "quote": quote,
            "quote_error": quote_error,
            "current": current,
            "current_message": services.standing_message(current) if current else "",
            "takes_deposits": account.status in services.TAKES_DEPOSITS,
            "rows": deposit_rows(selectors.account_deposits(account)),
            "held": selectors.deposit_held(account.pk),
            "charge_form": charge_form,
            "waive_form": waive_form,
            "waives_at_once": request.user.has_perm(Perm.ADJUST_BILLS),
            "letter_url": reverse(
                "accounts:account_deposit_letter", kwargs={"account_id": account.pk}
            )
            if request.user.has_perm(Perm.ADJUST_BILLS)
            else "",
        },
        status=status,
    )


def _act(request, action: str, account, quote, data: dict) -> Deposit:
    if action == "charge":
        return services.deposit_charge(
            account=account,
            quote=quote,
            by=request.user,
            installments=data["installments"] if quote.is_due else 1,
            idempotency_key=data["request_key"],
        )
    return services.deposit_waive(
        account=account,
        quote=quote,
        by=request.user,
        reason=data["reason"],
        idempotency_key=data["request_key"],
    )


def _done_message(deposit: Deposit) -> str:
    if deposit.status == Deposit.Status.PENDING_APPROVAL:
        return (
            f"The waiver of the {format_money(deposit.amount)} deposit was sent to a "
            "supervisor for approval."
        )
    if deposit.status == Deposit.Status.WAIVED:
        return f"The {format_money(deposit.amount)} deposit was waived."
    if deposit.amount == 0:
        return "Recorded: no deposit is due."
    return f"Deposit of {format_money(deposit.amount)} charged."


@staff_view(Perm.ADJUST_BILLS)
@require_http_methods(["GET", "POST"])
def account_deposit_letter(request, account_id):
    """Record a letter of good credit from another utility for the account's customer."""
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    form = LetterOfCreditForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                letter = services.letter_of_credit_record(
                    customer=account.customer, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Letter of credit from {letter.utility_name} recorded for "
                    f"{account.customer.display_name}.",
                )
                return redirect(_deposit_url(account))
        status = 400
    return render(
        request,
        "accounts/deposits/letter_form.html",
        {
            "account": account,
            "deposit_url": _deposit_url(account),
            "form": form,
            "letters": selectors.customer_letters(account.customer),
        },
        status=status,
    )


# -- the guidelines ----------------------------------------------------------------------------


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET"])
def deposit_guidelines(request):
    """Every version of the deposit guidelines, the one in force marked, newest first."""
    guidelines = list(selectors.guidelines_for_list())
    today = timezone.localdate()
    in_force = next((g for g in guidelines if g.effective_from <= today), None)
    versions = [
        {
            "guideline": guideline,
            "in_force": guideline is in_force,
            "future": guideline.effective_from > today,
            "grid": selectors.amount_grid(selectors.amount_table(guideline)),
        }
        for guideline in guidelines
    ]
    return render(
        request,
        "accounts/deposits/guidelines.html",
        {"versions": versions, "size_labels": DepositGuidelineForm.size_labels()},
    )


def _next_start(latest: DepositGuideline | None) -> datetime.date:
    today = timezone.localdate()
    if latest is None or latest.effective_from < today:
        return today
    return latest.effective_from + datetime.timedelta(days=1)


def _guideline_saved(request, form: DepositGuidelineForm, save):
    """Save a valid form through `save` (create or update): the redirect to the list, or None
    with the refusal shown at its fields."""
    if not form.is_valid():
        return None
    try:
        guideline = save(by=request.user, amounts=form.amounts(), **form.guideline_fields())
    except ValidationError as error:
        add_service_error(form, error)
        return None
    messages.success(request, f"{guideline} saved.")
    return redirect("accounts:deposit_guidelines")


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def deposit_guideline_new(request):
    """A new version, starting from the latest one's terms and amounts."""
    latest = DepositGuideline.objects.order_by("-effective_from").first()
    status = 200
    if request.method == "POST":
        form = DepositGuidelineForm(request.POST)
        saved = _guideline_saved(request, form, services.deposit_guideline_create)
        if saved is not None:
            return saved
        status = 400
    else:
        initial = DepositGuidelineForm.initial_from(
            latest, selectors.amount_table(latest) if latest else {}
        )
        initial["effective_from"] = _next_start(latest)
        form = DepositGuidelineForm(initial=initial)
    return render(
        request,
        "accounts/deposits/guideline_form.html",
        {"form": form, "guideline": None, "based_on": latest, "in_use": False},
        status=status,
    )


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def deposit_guideline_edit(request, guideline_id):
    """Correct a version no deposit was set under yet; one in use is shown, never edited."""
    guideline = get_object_or_404(DepositGuideline, pk=guideline_id)
    in_use = selectors.guideline_in_use(guideline)
    status = 200
    form = None
    if not in_use:
        if request.method == "POST":
            form = DepositGuidelineForm(request.POST)
            saved = _guideline_saved(
                request,
                form,
                functools.partial(services.deposit_guideline_update, guideline=guideline),
            )
            if saved is not None:
                return saved
            status = 400
        else:
            form = DepositGuidelineForm(
                initial=DepositGuidelineForm.initial_from(
                    guideline, selectors.amount_table(guideline)
                )
            )
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "accounts/deposits/guideline_form.html",
        {"form": form, "guideline": guideline, "based_on": None, "in_use": in_use},
        status=status,
    )
