"""What each step of the start wizard does with its POST: search, choose, create, go on."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.forms import CustomerCreateForm
from accounts.models import Customer, ServiceAccount
from accounts.service_changes import forms as step_forms
from accounts.service_changes import selectors, services
from accounts.service_changes.views.wizard import (
    DONE_KEY,
    FIELD_STEPS,
    OPEN_WIZARDS,
    STEP_LABELS,
    advance,
    chosen_customer,
    chosen_premise,
    deposit_choice_of,
    deposit_form,
    forget_after,
    go,
    open_wizards,
    owner_info_of,
    quote_for,
    start_date_of,
    step_url,
)
from accounts.views.records import customer_create_submitted
from district.forms import add_service_error
from field_ops.models import Premise

# -- each step's POST: returns None (saved; show the step now current) or forms with errors


def post_customer(request, token, state, action):
    if action == "search":
        form = step_forms.CustomerFindForm(request.POST)
        if not form.is_valid():
            return {"find_form": form}
        state["customer_q"] = form.cleaned_data["q"].strip()
        state["new_customer"] = False
        return None
    if action == "new":
        state["new_customer"] = True
        return None
    if action == "keep" and state.get("customer_id"):
        advance(state, "customer")
        return None
    if action == "choose":
        found = selectors.customer_search(state.get("customer_q", ""))
        form = step_forms.CustomerChoiceForm(request.POST, customers=found)
        if not form.is_valid():
            return {"choice_form": form}
        return _customer_chosen(state, form.cleaned_data["customer"])
    if action == "create":
        return _create_customer(request, state)
    return None


def _customer_chosen(state, customer: Customer):
    if state.get("customer_id") != customer.pk:
        state["customer_id"] = customer.pk
        forget_after(state, "customer")
    state["new_customer"] = False
    advance(state, "customer")
    return None


def _create_customer(request, state):
    form = CustomerCreateForm(request.POST)
    if not form.is_valid():
        return {"new_form": form}
    customer, form, duplicates = customer_create_submitted(request, form)
    if customer is None:
        return {"new_form": form, "duplicates": duplicates} if duplicates else {"new_form": form}
    return _customer_chosen(state, customer)


def post_premise(request, token, state, action):
    if action == "search":
        form = step_forms.PremiseFindForm(request.POST)
        if not form.is_valid():
            return {"find_form": form}
        state["premise_q"] = form.cleaned_data["q"].strip()
        return None
    if action == "keep" and state.get("premise_id"):
        advance(state, "premise")
        return None
    options = selectors.premise_search(state.get("premise_q", ""))
    form = step_forms.PremiseChoiceForm(request.POST, options=options)
    if not form.is_valid():
        return {"choice_form": form}
    premise = form.cleaned_data["premise"]
    customer = chosen_customer(state)
    problem = services.start_refusal(premise=premise, customer=customer)
    if problem:
        form.add_error("premise", problem)
        return {"choice_form": form, "problem": _problem_links(premise, customer)}
    if state.get("premise_id") != premise.pk:
        state["premise_id"] = premise.pk
        forget_after(state, "premise")
    advance(state, "premise")
    return None


def _problem_links(premise: Premise, customer: Customer) -> list[dict]:
    """What the clerk can do instead: stop the other party's service, open the customer's own
    account there, or transfer the customer's service from where they are now."""
    links = []
    option = selectors.premise_option(premise)
    holder = option.active or option.pending
    if holder is not None and holder.customer_id != customer.pk:
        if holder.status == ServiceAccount.Status.ACTIVE:
            links.append(
                {
                    "label": f"Stop {holder.customer.display_name}'s service first",
                    "url": reverse("accounts:service_stop", args=[holder.pk]),
                }
            )
        else:
            links.append(
                {
                    "label": f"Open the pending account {holder.formatted_number}",
                    "url": reverse("accounts:account_detail", args=[holder.pk]),
                }
            )
    elif holder is not None:
        links.append(
            {
                "label": f"Open {customer.display_name}'s account {holder.formatted_number}",
                "url": reverse("accounts:account_detail", args=[holder.pk]),
            }
        )
    for account in selectors.active_accounts_of(customer):
        if account.premise_id != premise.pk:
            links.append(
                {
                    "label": f"Transfer {customer.display_name}'s service from "
                    f"{account.premise} instead",
                    "url": f"{reverse('accounts:service_transfer', args=[account.pk])}"
                    f"?premise={premise.pk}",
                }
            )
    return links


def post_occupancy(request, token, state, action):
    form = step_forms.OccupancyForm(request.POST)
    if not form.is_valid():
        return {"form": form, "premise": chosen_premise(state)}
    data = form.cleaned_data
    answers = {
        "occupancy": data["occupancy"],
        "owner_name": data["owner_name"].strip(),
        "owner_phone": data["owner_phone"],
        "owner_mailing_address": data["owner_mailing_address"].strip(),
    }
    try:
        services.start_owner_check(
            is_owner=answers["occupancy"] == step_forms.OWNER, owner_info=owner_info_of(answers)
        )
    except ValidationError as error:
        add_service_error(form, error)
        return {"form": form, "premise": chosen_premise(state)}
    changed = state.get("occupancy") != data["occupancy"]
    state.update(answers)
    if changed:
        forget_after(state, "occupancy")
    advance(state, "occupancy")
    return None


def post_details(request, token, state, action):
    form = step_forms.ServiceDetailsForm(request.POST)
    if not form.is_valid():
        return {"form": form}
    try:
        services.start_details_check(
            customer_class=form.cleaned_data["customer_class"],
            start_date=form.cleaned_data["start_date"],
        )
    except ValidationError as error:
        add_service_error(form, error)
        return {"form": form}
    data = dict(form.cleaned_data)
    data["start_date"] = data["start_date"].isoformat()
    data["mailing_state"] = data["mailing_state"].upper()
    changed = any(state.get(key) != data[key] for key in ("customer_class", "start_date"))
    state.update(data)
    if changed:
        forget_after(state, "details")
    advance(state, "details")
    return None


def post_deposit(request, token, state, action):
    customer, premise = chosen_customer(state), chosen_premise(state)
    try:
        quote = quote_for(state, customer, premise)
    except ValidationError as error:
        return {"form": None, "quote": None, "quote_error": error.messages}
    form = deposit_form(request, quote, data=request.POST)
    if not form.is_valid():
        return {"form": form, "quote": quote}
    answers = {
        "deposit_choice": form.cleaned_data["choice"],
        "waiver_reason": form.cleaned_data["waiver_reason"].strip(),
    }
    try:
        services.start_deposit_check(deposit_choice_of(answers))
    except ValidationError as error:
        add_service_error(form, error)
        return {"form": form, "quote": quote}
    state.update(answers)
    advance(state, "deposit")
    return None


def post_confirm(request, token, state, action):
    customer, premise = chosen_customer(state), chosen_premise(state)
    customer_changes = {key: state[key] for key in services.CUSTOMER_CHANGE_FIELDS if key in state}
    try:
        result = services.service_start(
            customer=customer,
            premise=premise,
            customer_class=state["customer_class"],
            start_date=start_date_of(state),
            is_owner=state.get("occupancy") == step_forms.OWNER,
            owner_info=owner_info_of(state),
            deposit=deposit_choice_of(state),
            paperless=bool(state.get("paperless")),
            customer_changes=customer_changes,
            channel=state.get("channel", "counter"),
            by=request.user,
            idempotency_key=f"wizard-{token}",
        )
    except ValidationError as error:
        problems = [
            {
                "message": message,
                "url": step_url(token, FIELD_STEPS.get(name, "confirm")),
                "step": STEP_LABELS[FIELD_STEPS.get(name, "confirm")],
            }
            for name, field_messages in getattr(
                error, "error_dict", {"confirm": error.error_list}
            ).items()
            for message in ValidationError(field_messages).messages
        ]
        return {"problems": problems}
    wizards = open_wizards(request)
    wizards.pop(token, None)
    done = request.session.setdefault(DONE_KEY, {})
    done[token] = result.account.pk
    while len(done) > OPEN_WIZARDS:
        done.pop(next(iter(done)))
    request.session.modified = True
    messages.success(
        request,
        f"Service starts {result.account.start_date:%m/%d/%Y}: account "
        f"{result.account.formatted_number} is pending until the {result.work_order} is done.",
    )
    return go(request, reverse("accounts:service_started", args=[result.account.pk]))
