"""The start-of-service wizard page: six steps, one screen each. With htmx a step is swapped
in place; without JavaScript each POST redirects to the step now current (POST/redirect/GET).
One service call at the end (service_start) writes everything."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.forms import CustomerCreateForm
from accounts.models import Customer, ServiceAccount
from accounts.service_changes import selectors
from accounts.service_changes.forms import (
    CustomerChoiceForm,
    CustomerFindForm,
    OccupancyForm,
    PremiseChoiceForm,
    PremiseFindForm,
    ServiceDetailsForm,
    first_error,
    focus_on,
)
from accounts.service_changes.views.start_steps import (
    post_confirm,
    post_customer,
    post_deposit,
    post_details,
    post_occupancy,
    post_premise,
)
from accounts.service_changes.views.wizard import (
    DONE_KEY,
    STEP_KEYS,
    STEP_NAMES,
    STEPS,
    chosen_customer,
    chosen_premise,
    deposit_choice_of,
    deposit_form,
    go,
    may_waive_at_once,
    open_wizards,
    quote_for,
    start_date_of,
    step_url,
    wizard_new,
    wizard_save,
)
from district.access import staff_view
from district.roles import Perm
from field_ops.models import Premise

# -- the wizard page


@staff_view(Perm.START_STOP_SERVICE)
@require_http_methods(["GET", "POST"])
def service_start(request):
    """Start service in six steps: customer, premise, owner or tenant, details, deposit,
    summary. One service call at the end writes everything."""
    token = request.POST.get("wizard") or request.GET.get("wizard") or ""
    done = request.session.get(DONE_KEY, {})
    if token in done:  # a repeated confirm, or the browser's back button after it
        return go(request, reverse("accounts:service_started", args=[done[token]]))
    state = open_wizards(request).get(token)
    if state is None:
        if token:
            messages.info(request, "That start of service had expired: please begin again.")
        token, state = wizard_new(request)
        if request.method == "POST":
            return go(request, step_url(token))
    if request.method == "GET":
        wanted = request.GET.get("step")
        if wanted in STEP_NAMES and STEP_NAMES.index(wanted) <= state["reached"]:
            state["step"] = wanted
            wizard_save(request, token, state)
        return _render(request, token, state)
    step = request.POST.get("step")
    if step not in STEP_NAMES or STEP_NAMES.index(step) > state["reached"]:
        return _render(request, token, state)
    state["step"] = step
    handler = {
        "customer": post_customer,
        "premise": post_premise,
        "occupancy": post_occupancy,
        "details": post_details,
        "deposit": post_deposit,
        "confirm": post_confirm,
    }[step]
    outcome = handler(request, token, state, request.POST.get("action", "next"))
    if isinstance(outcome, HttpResponse):
        return outcome
    wizard_save(request, token, state)
    if outcome is None:  # moved on (or stays, nothing to show but the step): redirect or swap
        if request.htmx:
            return _render(request, token, state)
        return redirect(step_url(token))
    return _render(request, token, state, outcome)


def _render(request, token: str, state: dict, forms: dict | None = None):
    step = state["step"]
    context = {
        **_step_context(request, state, step),
        **(forms or {}),
    }
    index = STEP_NAMES.index(step)
    context.update(
        token=token,
        step=STEPS[index],
        step_number=index + 1,
        step_count=len(STEPS),
        step_template=f"accounts/service_changes/start/_{step}.html",
        back_url=step_url(token, STEP_NAMES[index - 1]) if index else None,
        progress=[
            {
                "number": number + 1,
                "label": entry.label,
                "current": number == index,
                "done": number < state["reached"] and number != index,
                "url": step_url(token, entry.name) if number <= state["reached"] else None,
            }
            for number, entry in enumerate(STEPS)
        ],
    )
    _settle_focus(context)
    template = "accounts/service_changes/start.html"
    return render(request, f"{template}#wizard" if request.htmx else template, context)


# Radio fields the step templates render themselves (focus passed as `radio_focus`).
RADIO_FIELDS = ("occupancy", "choice")


def _settle_focus(context: dict) -> None:
    """Exactly one element of the step takes the focus (htmx focuses the first [autofocus] of
    a swapped step; so does the browser on a full page): the first field with an error, else
    the step's first field; on the search steps the search box, or the results just found,
    or the new customer's first field."""
    find_form = context.get("find_form")
    if find_form is not None:
        new_form = context.get("new_form")
        choose = bool(context.get("choice_form")) and not new_form and not find_form.errors
        if (choose or new_form) and not find_form.errors:
            find_form.fields["q"].widget.attrs.pop("autofocus", None)
        context["focus_choice"] = choose
        if new_form is not None and not find_form.errors:
            if context.get("duplicates"):
                focus_on(new_form, "confirm_duplicate")
            else:
                focus_on(new_form, first_error(new_form) or "kind")
        return
    form = context.get("form")
    if form is None:
        return
    first = first_error(form)
    radio = next((name for name in RADIO_FIELDS if name in form.fields), None)
    if first is not None and first != radio:
        focus_on(form, first)
        context["radio_focus"] = False
    else:
        context["radio_focus"] = True


def _step_context(request, state: dict, step: str) -> dict:
    """The forms of a step as first shown (initial values from the state or the records)."""
    customer, premise = chosen_customer(state), chosen_premise(state)
    if step == "customer":
        query = state.get("customer_q", "")
        found = selectors.customer_search(query) if query else []
        new_form = None
        if state.get("new_customer"):
            new_form = CustomerCreateForm(initial=_new_customer_initial(query))
        return {
            "find_form": CustomerFindForm(initial={"q": query}),
            "query": query,
            "found": found,
            "choice_form": CustomerChoiceForm(customers=found) if found else None,
            "new_form": new_form,
            "chosen": customer,
        }
    if step == "premise":
        query = state.get("premise_q", "")
        options = selectors.premise_search(query) if query else []
        return {
            "find_form": PremiseFindForm(initial={"q": query}),
            "query": query,
            "options": options,
            "choice_form": PremiseChoiceForm(options=options) if options else None,
            "chosen": premise,
            "customer": customer,
        }
    if step == "occupancy":
        return {
            "form": OccupancyForm(
                initial={
                    "occupancy": state.get("occupancy"),
                    "owner_name": state.get("owner_name", premise.owner_name),
                    "owner_phone": state.get("owner_phone", ""),
                    "owner_mailing_address": state.get(
                        "owner_mailing_address", premise.owner_mailing_address
                    ),
                }
            ),
            "premise": premise,
        }
    if step == "details":
        return {"form": ServiceDetailsForm(initial=_details_initial(state, customer, premise))}
    if step == "deposit":
        try:
            quote = quote_for(state, customer, premise)
        except ValidationError as error:  # e.g. no deposit guidelines in force on that day
            return {"form": None, "quote": None, "quote_error": error.messages}
        return {
            "form": deposit_form(request, quote, initial=_deposit_initial(state)),
            "quote": quote,
        }
    return _summary(request, state, customer, premise)


def _new_customer_initial(query: str) -> dict:
    """Carry what was searched into the new customer's form: a phone, or a name."""
    words = query.split()
    if query and not any(char.isalpha() for char in query):
        return {"phone": query}
    if len(words) >= 2:
        return {"first_name": words[0], "last_name": " ".join(words[1:])}
    return {"last_name": query}


def _details_initial(state, customer: Customer, premise: Premise) -> dict:
    if all(key in state for key in STEP_KEYS["details"]):
        return {key: state[key] for key in STEP_KEYS["details"]}
    has_mailing = bool(customer.mailing_line1)
    return {
        "customer_class": selectors.default_customer_class(premise),
        "start_date": timezone.localdate(),
        # A customer without a mailing address on file gets their bills at the service address.
        "mailing_line1": customer.mailing_line1 if has_mailing else premise.address_line,
        "mailing_line2": customer.mailing_line2 if has_mailing else "",
        "mailing_city": customer.mailing_city if has_mailing else premise.city,
        "mailing_state": (customer.mailing_state if has_mailing else premise.state) or "CA",
        "mailing_zip": customer.mailing_zip if has_mailing else premise.zip_code,
        "language": customer.language,
        "paperless": False,
        "channel": "counter",
    }


def _deposit_initial(state) -> dict:
    return {
        "choice": state.get("deposit_choice", "1"),
        "waiver_reason": state.get("waiver_reason", ""),
    }


def _summary(request, state, customer, premise) -> dict:
    try:
        quote = quote_for(state, customer, premise)
    except ValidationError as error:
        quote = None
        problems = [{"message": message, "url": None, "step": ""} for message in error.messages]
    else:
        problems = []
    return {
        "problems": problems,
        "customer": customer,
        "premise": premise,
        "state": state,
        "start_date": start_date_of(state),
        "quote": quote,
        "deposit": deposit_choice_of(state),
        "may_waive_at_once": may_waive_at_once(request.user),
        "order_type_label": dict(selectors.WorkOrder.Type.choices)[
            selectors.start_order_type(premise)
        ],
        "billing": selectors.billing_schedule_for(premise),
        "class_label": dict(ServiceAccount.CustomerClass.choices).get(state["customer_class"]),
        "language_label": dict(CustomerCreateForm.base_fields["language"].choices).get(
            state.get("language")
        ),
    }
