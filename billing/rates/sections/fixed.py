"""Fixed charges: the service charge, and the fixed part of a sewer charge."""

from billing.rates.checks import Errors, as_list, boolean, choice, mapping, number, text
from billing.rates.sections.conditions import expand_sizes, when
from billing.rates.terms import STATED_PER

FIXED_KEYS = {
    "description": False,
    "per": False,
    "amount": False,
    "by_meter_size": False,
    "per_dwelling_unit": False,
}


def fixed_body(value: dict, path: str, errors: Errors, context: dict, defaults: dict) -> dict:
    if ("amount" in value) == ("by_meter_size" in value):
        errors.add(path, "give either amount (every meter) or by_meter_size, not both or neither")
    body = {
        "description": text(
            value.get("description", defaults["description"]), f"{path}.description", errors
        ),
        "per": choice(value.get("per", defaults["per"]), f"{path}.per", errors, STATED_PER),
        "per_dwelling_unit": boolean(
            value.get("per_dwelling_unit", defaults.get("per_dwelling_unit", False)),
            f"{path}.per_dwelling_unit",
            errors,
        ),
        "amount": None,
        "by_meter_size": None,
    }
    if "amount" in value:
        amount = number(value["amount"], f"{path}.amount", errors)
        body["amount"] = None if amount is None else str(amount)
    if "by_meter_size" in value:
        body["by_meter_size"] = _by_meter_size(
            value["by_meter_size"], f"{path}.by_meter_size", errors, context
        )
    return body


def _by_meter_size(value, path: str, errors: Errors, context: dict) -> dict:
    if not isinstance(value, dict) or not value:
        errors.add(path, 'a mapping of meter size (or group) to amount, e.g. "5/8": "35.48"')
        return {}
    amounts = {}
    for key, amount in value.items():
        key_path = f"{path}.{key}"
        price = number(amount, key_path, errors)
        for size in expand_sizes([key], key_path, errors, context):
            if size in amounts:
                errors.add(key_path, f'the {size}" meter is priced twice')
            elif price is not None:
                amounts[size] = str(price)
    return amounts


def charge_section(value, path: str, errors: Errors, context: dict, description: str):
    """A section with a default charge and/or `sets` of charges chosen by `when` (first match)."""
    value = mapping(value, path, errors, {**FIXED_KEYS, "sets": False})
    if value is None:
        return None
    defaults = {"description": description, "per": context["period"]}
    defaults["description"] = value.get("description", description)
    defaults["per"] = value.get("per", context["period"])
    defaults["per_dwelling_unit"] = value.get("per_dwelling_unit", False)
    sets = []
    for index, entry in enumerate(as_list(value.get("sets", []), f"{path}.sets", errors)):
        set_path = f"{path}.sets[{index}]"
        entry = mapping(entry, set_path, errors, {**FIXED_KEYS, "when": True})
        if entry is not None:
            body = fixed_body(entry, set_path, errors, context, defaults)
            body["when"] = when(entry["when"], f"{set_path}.when", errors, context)
            sets.append(body)
    if "amount" in value or "by_meter_size" in value:
        body = fixed_body(value, path, errors, context, defaults)
        body["when"] = {}
        sets.append(body)
    if not sets:
        errors.add(path, "give amount or by_meter_size, or sets of them")
    return {"sets": sets}
