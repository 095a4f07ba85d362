"""Sewer charges: a fixed part, a part per unit of water (capped, or a billable share)."""

from billing.rates.checks import Errors, as_list, mapping, number, text
from billing.rates.sections.conditions import when
from billing.rates.sections.fixed import FIXED_KEYS, fixed_body
from billing.rates.terms import SEWER_CAPS


def sewer(value, path: str, errors: Errors, context: dict):
    keys = {"description": False, "fixed": False, "per_unit": False, "sets": False}
    value = mapping(value, path, errors, keys)
    if value is None:
        return None
    description = value.get("description", "Sewer service")
    sets = []
    for index, entry in enumerate(as_list(value.get("sets", []), f"{path}.sets", errors)):
        set_path = f"{path}.sets[{index}]"
        set_keys = {"when": True, "description": False, "fixed": False, "per_unit": False}
        entry = mapping(entry, set_path, errors, set_keys)
        if entry is not None:
            sewer_set = _sewer_set(entry, set_path, errors, context, description)
            sewer_set["when"] = when(entry["when"], f"{set_path}.when", errors, context)
            sets.append(sewer_set)
    if "fixed" in value or "per_unit" in value:
        sets.append({**_sewer_set(value, path, errors, context, description), "when": {}})
    if not sets:
        errors.add(path, "give fixed and/or per_unit, or sets of them")
    return {"sets": sets}


def _sewer_set(entry: dict, path: str, errors: Errors, context: dict, description: str) -> dict:
    if "fixed" not in entry and "per_unit" not in entry:
        errors.add(path, "give fixed, per_unit, or both")
    description = text(entry.get("description", description), f"{path}.description", errors)
    sewer_set = {"description": description, "fixed": None, "per_unit": None}
    if "fixed" in entry:
        fixed = mapping(entry["fixed"], f"{path}.fixed", errors, FIXED_KEYS)
        if fixed is not None:
            defaults = {"description": f"{description}, fixed charge", "per": context["period"]}
            sewer_set["fixed"] = fixed_body(fixed, f"{path}.fixed", errors, context, defaults)
    if "per_unit" in entry:
        sewer_set["per_unit"] = _sewer_per_unit(entry["per_unit"], f"{path}.per_unit", errors)
    return sewer_set


def _sewer_per_unit(value, path: str, errors: Errors):
    value = mapping(value, path, errors, {"rate": True, "cap": False, "billable_percent": False})
    if value is None:
        return None
    rate = number(value["rate"], f"{path}.rate", errors)
    cap = value.get("cap")
    if cap is not None and cap not in SEWER_CAPS:
        cap = number(cap, f"{path}.cap", errors, positive=True)
        cap = None if cap is None else str(cap)
    percent = value.get("billable_percent")
    if percent is not None:
        percent = number(percent, f"{path}.billable_percent", errors, positive=True)
        if percent is not None and percent > 100:
            errors.add(f"{path}.billable_percent", "at most 100")
        percent = None if percent is None else str(percent)
    return {"rate": None if rate is None else str(rate), "cap": cap, "billable_percent": percent}
