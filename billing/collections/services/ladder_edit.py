"""Editing a customer class's collection ladder (supervisors, MANAGE_POLICIES)."""

from django.db import transaction

from billing.collections.ladder import ladder_problems
from billing.collections.models import CustomerClass, LadderStep, StepKind
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm

MOST_DAYS = 365


@transaction.atomic
def ladder_step_save(
    *, customer_class: str, kind: str, days_after_due: int, active: bool, by
) -> LadderStep:
    """Set one step's day and whether it is taken; refused if the class's ladder would break
    the law's floors (ladder.ladder_problems), with nothing saved."""
    require(by, Perm.MANAGE_POLICIES, doing="change the collection ladder")
    errors = {}
    if customer_class not in CustomerClass.values:
        errors["customer_class"] = "Choose the customer class."
    if kind not in StepKind.values:
        errors["kind"] = "Choose the step."
    if days_after_due is None or not 0 <= int(days_after_due) <= MOST_DAYS:
        errors["days_after_due"] = f"Enter a number of days from 0 to {MOST_DAYS}."
    if errors:
        raise ServiceError(errors)
    # Lock the class's steps so two supervisors' edits are judged one after the other.
    steps = {
        step.kind: step
        for step in LadderStep.objects.select_for_update()
        .filter(customer_class=customer_class)
        .order_by("pk")
    }
    step = steps.get(kind) or LadderStep(customer_class=customer_class, kind=kind)
    step.days_after_due = int(days_after_due)
    step.active = bool(active)
    step.updated_by = by
    planned = {other.kind: (other.days_after_due, other.active) for other in steps.values()}
    planned[kind] = (step.days_after_due, step.active)
    problems = ladder_problems(customer_class, planned)
    if problems:
        raise ServiceError(problems)
    with acting_user(by):
        step.save()
    return step
