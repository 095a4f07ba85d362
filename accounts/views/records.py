"""Staff pages of customers and service accounts. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import (
    CustomerCreateForm,
    CustomerFlagClearForm,
    CustomerFlagForm,
    CustomerForm,
    ServiceAccountEditForm,
    ServiceAccountForm,
    ServiceAccountStatusForm,
    duplicates_in,
)
from accounts.models import Customer, ServiceAccount
from accounts.services import ACCOUNT_EDITABLE_FIELDS, CUSTOMER_FIELDS
from district.access import staff_view
from district.forms import add_service_error
from district.phones import format_phone
from district.roles import Perm
from field_ops.forms import initial_from
from field_ops.models import Premise


def _submitted(request, form) -> bool:
    return request.method == "POST" and form.is_valid()


def account_url(account: ServiceAccount) -> str:
    return reverse("accounts:account_detail", kwargs={"account_id": account.pk})


# -- customers


def customer_create_submitted(request, form: CustomerCreateForm):
    """Record the customer a valid CustomerCreateForm describes: (customer, form, duplicates).

    Refused as a likely duplicate, the form comes back with the "Create anyway" box, unticked,
    and the look-alikes to show beside it; refused otherwise, with the refusal at its fields.
    """
    fields = dict(form.cleaned_data)
    confirm = fields.pop("confirm_duplicate")
    try:
        customer = services.customer_create(by=request.user, confirm_duplicate=confirm, **fields)
    except ValidationError as error:
        duplicates = duplicates_in(error)
        if duplicates:
            form = CustomerCreateForm(request.POST, show_confirm=True)
            form.is_valid()
        else:
            add_service_error(form, error)
        return None, form, duplicates
    messages.success(request, f"Customer {customer} recorded.")
    return customer, form, []


@staff_view(Perm.EDIT_ACCOUNTS)
def customer_create(request):
    duplicates = []
    form = CustomerCreateForm(request.POST or None)
    if _submitted(request, form):
        customer, form, duplicates = customer_create_submitted(request, form)
        if customer is not None:
            return redirect("accounts:customer_detail", customer_id=customer.pk)
    return render(
        request,
        "accounts/records/customer_form.html",
        {"form": form, "customer": None, "duplicates": duplicates},
    )


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def customer_detail(request, customer_id):
    try:
        customer = selectors.customer_for_page(customer_id)
    except Customer.DoesNotExist:
        raise Http404("No such customer.") from None
    flags = list(customer.flags.all())
    accounts = list(customer.service_accounts.all())
    for account in accounts:
        account.page_url = account_url(account)
    return render(
        request,
        "accounts/records/customer_detail.html",
        {
            "customer": customer,
            "phone": format_phone(customer.phone),
            "alternate_phone": format_phone(customer.alternate_phone),
            "active_flags": [flag for flag in flags if flag.cleared_at is None],
            "cleared_flags": [flag for flag in flags if flag.cleared_at is not None],
            "accounts": accounts,
            "flag_form": CustomerFlagForm(),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def customer_edit(request, customer_id):
    customer = get_object_or_404(Customer, pk=customer_id)
    form = CustomerForm(request.POST or None, initial=initial_from(customer, CUSTOMER_FIELDS))
    if _submitted(request, form):
        try:
            customer = services.customer_update(
                customer=customer, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Customer {customer} saved.")
            return redirect("accounts:customer_detail", customer_id=customer.pk)
    return render(
        request,
        "accounts/records/customer_form.html",
        {"form": form, "customer": customer, "duplicates": []},
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def customer_flags(request, customer_id):
    """Set a flag, or clear one (the POST's "action" says which)."""
    customer = get_object_or_404(Customer, pk=customer_id)
    action = request.POST.get("action") if request.method == "POST" else None
    set_form = CustomerFlagForm(request.POST if action == "set" else None)
    clear_form = CustomerFlagClearForm(
        request.POST if action == "clear" else None, customer=customer
    )
    form = set_form if action == "set" else clear_form if action == "clear" else None
    if form is not None and form.is_valid():
        try:
            if action == "set":
                flag = services.customer_flag_set(
                    customer=customer, by=request.user, **form.cleaned_data
                )
                messages.success(request, f"Flag {flag.get_flag_display()} set.")
            else:
                flag = services.customer_flag_clear(
                    flag=form.cleaned_data["flag"],
                    reason=form.cleaned_data["clear_reason"],
                    by=request.user,
                )
                messages.success(request, f"Flag {flag.get_flag_display()} cleared.")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("accounts:customer_detail", customer_id=customer.pk)
    return render(
        request,
        "accounts/records/customer_flags.html",
        {
            "customer": customer,
            "set_form": set_form,
            "clear_form": clear_form,
            "active_flags": selectors.active_flags(customer),
        },
    )


# -- service accounts


@staff_view(Perm.EDIT_ACCOUNTS)
def service_account_create(request):
    """Open a pending account; ?customer=&premise= preselect the two (by number)."""
    form = ServiceAccountForm(
        request.POST or None,
        initial={
            "customer": request.GET.get("customer"),
            "premise": request.GET.get("premise"),
            "billing_frequency": ServiceAccount.BillingFrequency.MONTHLY,
        },
    )
    if _submitted(request, form):
        try:
            account = services.service_account_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Account {account.formatted_number} opened (pending) for {account.customer}.",
            )
            return redirect(account_url(account))
    return render(
        request,
        "accounts/records/service_account_form.html",
        {
            "form": form,
            "chosen_customer": _chosen(Customer, form["customer"].value()),
            "chosen_premise": _chosen(Premise, form["premise"].value()),
        },
    )


def _chosen(model, value):
    """The record a number field points at, to show its name beside the form (or None)."""
    if isinstance(value, model):
        return value
    text = str(value or "").strip()
    return model.objects.filter(pk=int(text)).first() if text.isdigit() else None


@staff_view(Perm.EDIT_ACCOUNTS)
def service_account_edit(request, account_id):
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    form = ServiceAccountEditForm(
        request.POST or None, initial=initial_from(account, ACCOUNT_EDITABLE_FIELDS)
    )
    if _submitted(request, form):
        try:
            account = services.service_account_update(
                account=account, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Account {account.formatted_number} saved.")
            return redirect(account_url(account))
    return render(
        request,
        "accounts/records/service_account_edit.html",
        {"form": form, "account": account, "account_url": account_url(account)},
    )


# A supervisor's correction tool: it moves the status directly, outside the start and stop
# workflows (orders, deposits, final bills), so the counter uses those instead.
@staff_view(Perm.APPROVE_REQUESTS)
def service_account_status(request, account_id):
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    form = ServiceAccountStatusForm(request.POST or None, account=account)
    if _submitted(request, form):
        try:
            account = services.service_account_transition(
                account=account, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Account {account.formatted_number} is now {account.get_status_display()}.",
            )
            return redirect(account_url(account))
    return render(
        request,
        "accounts/records/service_account_status.html",
        {"form": form, "account": account, "account_url": account_url(account)},
    )
