"""Charges on the whole bill: the minimum charge and the late penalty."""

from billing.rates.checks import Errors, as_list, choice, mapping, number, text, whole_number
from billing.rates.terms import MINIMUM_COVERS, STATED_PER


def minimum_charge(value, errors: Errors, context: dict):
    if value is None:
        return None
    path = "minimum_charge"
    value = mapping(
        value, path, errors, {"amount": True, "per": False, "description": False, "covers": False}
    )
    if value is None:
        return None
    amount = number(value["amount"], f"{path}.amount", errors)
    covers = [
        str(name)
        for name in as_list(value.get("covers", ["service", "water"]), f"{path}.covers", errors)
    ]
    bad = [name for name in covers if name not in MINIMUM_COVERS]
    if bad:
        errors.add(
            f"{path}.covers", f"not line kinds: {', '.join(bad)} ({', '.join(MINIMUM_COVERS)})"
        )
    return {
        "amount": None if amount is None else str(amount),
        "per": choice(value.get("per", context["period"]), f"{path}.per", errors, STATED_PER),
        "description": text(
            value.get("description", "Minimum charge"), f"{path}.description", errors
        ),
        "covers": covers,
    }


def late_penalty(value, errors: Errors):
    if value is None:
        return None
    path = "late_penalty"
    value = mapping(
        value,
        path,
        errors,
        {
            "current_charges_percent": True,
            "past_due_percent": False,
            "description": False,
            "grace_days": False,
        },
    )
    if value is None:
        return None
    penalty = {
        "description": text(value.get("description", "Late penalty"), f"{path}.description", errors)
    }
    for key in ("current_charges_percent", "past_due_percent"):
        percent = number(value.get(key, 0), f"{path}.{key}", errors, places=4)
        if percent is not None and percent > 100:
            errors.add(f"{path}.{key}", "at most 100")
        penalty[key] = None if percent is None else str(percent)
    grace = value.get("grace_days")
    penalty["grace_days"] = (
        None if grace is None else whole_number(grace, f"{path}.grace_days", errors, minimum=0)
    )
    return penalty
