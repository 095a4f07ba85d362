"""The start wizard's state: kept in the session under a token each step's form carries
(several starts may be open in several tabs), the steps, and what the state stands for."""

import datetime
import uuid
from dataclasses import dataclass

from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.deposits.rules import deposit_quote
from accounts.models import Customer
from accounts.service_changes import services
from accounts.service_changes.forms import (
    OWNER,
    TENANT,
    WAIVE,
    DepositForm,
)
from district.roles import CSR_I, role_of
from field_ops.models import Premise
from field_ops.selectors import installed_meter

SESSION_KEY = "service_start"
DONE_KEY = "service_start_done"
OPEN_WIZARDS = 5  # per session; the oldest is dropped beyond this


@dataclass(frozen=True)
class Step:
    name: str
    label: str


STEPS = (
    Step("customer", "Customer"),
    Step("premise", "Service address"),
    Step("occupancy", "Owner or tenant"),
    Step("details", "Service details"),
    Step("deposit", "Deposit"),
    Step("confirm", "Summary and confirm"),
)
STEP_NAMES = [step.name for step in STEPS]
STEP_LABELS = {step.name: step.label for step in STEPS}
# What each step stores; going back to a step and changing it keeps the later answers
# unless they depend on it (see forget_after).
STEP_KEYS = {
    "customer": ("customer_id",),
    "premise": ("premise_id",),
    "occupancy": ("occupancy", "owner_name", "owner_phone", "owner_mailing_address"),
    "details": (
        "customer_class",
        "start_date",
        *services.CUSTOMER_CHANGE_FIELDS,
        "paperless",
        "channel",
    ),
    "deposit": ("deposit_choice", "waiver_reason"),
}
# Service errors by field -> the step that asks for the field.
FIELD_STEPS = {
    "customer": "customer",
    "premise": "premise",
    "owner_name": "occupancy",
    "owner_phone": "occupancy",
    "occupancy": "occupancy",
    "customer_class": "details",
    "start_date": "details",
    "mailing_line1": "details",
    "mailing_city": "details",
    "mailing_state": "details",
    "mailing_zip": "details",
    "language": "details",
    "deposit_action": "deposit",
    "installments": "deposit",
    "waiver_reason": "deposit",
    "reason": "deposit",
}


# -- wizard state


def open_wizards(request) -> dict:
    return request.session.setdefault(SESSION_KEY, {})


def wizard_save(request, token: str, state: dict) -> None:
    wizards = open_wizards(request)
    wizards[token] = state
    while len(wizards) > OPEN_WIZARDS:
        wizards.pop(next(iter(wizards)))
    request.session.modified = True


def wizard_new(request) -> tuple[str, dict]:
    token = uuid.uuid4().hex
    state = {"step": "customer", "reached": 0}
    wizard_save(request, token, state)
    return token, state


def forget_after(state: dict, step: str) -> None:
    """A changed answer makes the answers that were derived from it stale."""
    stale = {
        "customer": ("details", "deposit"),
        "premise": ("occupancy", "details", "deposit"),
        "occupancy": ("deposit",),
        "details": ("deposit",),
    }.get(step, ())
    for name in stale:
        for key in STEP_KEYS[name]:
            state.pop(key, None)
    if stale:
        state["reached"] = min(state["reached"], STEP_NAMES.index(step) + 1)


def advance(state: dict, step: str) -> None:
    index = STEP_NAMES.index(step) + 1
    state["step"] = STEP_NAMES[index]
    state["reached"] = max(state["reached"], index)


def step_url(token: str, step: str | None = None) -> str:
    url = f"{reverse('accounts:service_start')}?wizard={token}"
    return f"{url}&step={step}" if step else url


def chosen_customer(state) -> Customer | None:
    customer_id = state.get("customer_id")
    return Customer.objects.filter(pk=customer_id).first() if customer_id else None


def chosen_premise(state) -> Premise | None:
    premise_id = state.get("premise_id")
    return Premise.objects.filter(pk=premise_id).first() if premise_id else None


def start_date_of(state) -> datetime.date | None:
    value = state.get("start_date")
    return datetime.date.fromisoformat(value) if value else None


def may_waive_at_once(user) -> bool:
    """CSR II and above waive a deposit at once; a CSR I's waiver goes to approval."""
    return user.is_superuser or role_of(user) not in (CSR_I, None)


def go(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def quote_for(state, customer: Customer, premise: Premise):
    meter = installed_meter(premise)
    return deposit_quote(
        customer=customer,
        premise=premise,
        customer_class=state["customer_class"],
        meter_size=meter.size if meter else None,
        is_owner=state.get("occupancy") == OWNER,
        on_date=start_date_of(state),
    )


def deposit_form(request, quote, data=None, initial=None) -> DepositForm:
    return DepositForm(
        data,
        initial=initial,
        max_installments=quote.guideline.max_installments if quote.guideline else 1,
        may_waive_at_once=may_waive_at_once(request.user),
    )


def deposit_choice_of(state) -> services.DepositChoice:
    choice = state.get("deposit_choice", "1")
    if choice == WAIVE:
        return services.DepositChoice(
            action=services.DepositChoice.WAIVE, waiver_reason=state.get("waiver_reason", "")
        )
    return services.DepositChoice(action=services.DepositChoice.CHARGE, installments=int(choice))


def owner_info_of(state) -> services.OwnerInfo | None:
    if state.get("occupancy") != TENANT:
        return None
    return services.OwnerInfo(
        name=state.get("owner_name", ""),
        phone=state.get("owner_phone", ""),
        mailing_address=state.get("owner_mailing_address", ""),
    )
