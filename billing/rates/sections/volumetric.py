"""Volumetric charges: sets of tiers, and how their breakpoints scale."""

from billing.rates.checks import Errors, as_list, boolean, choice, mapping, number, plain, text
from billing.rates.sections.conditions import when
from billing.rates.terms import BREAKPOINT_SCALES, UNIT_LABELS


def volumetric(value, path: str, errors: Errors, context: dict):
    value = mapping(
        value,
        path,
        errors,
        {"description": False, "tiers": False, "breakpoints": False, "sets": False},
    )
    if value is None:
        return None
    description = text(value.get("description", "Water use"), f"{path}.description", errors)
    default_breakpoints = value.get("breakpoints")
    sets = []
    for index, entry in enumerate(as_list(value.get("sets", []), f"{path}.sets", errors)):
        set_path = f"{path}.sets[{index}]"
        entry = mapping(
            entry,
            set_path,
            errors,
            {"when": True, "tiers": True, "breakpoints": False, "description": False},
        )
        if entry is None:
            continue
        sets.append(
            {
                "when": when(entry["when"], f"{set_path}.when", errors, context),
                "description": text(
                    entry.get("description", description), f"{set_path}.description", errors
                ),
                "tiers": _tiers(entry["tiers"], f"{set_path}.tiers", errors),
                "breakpoints": _breakpoints(
                    entry.get("breakpoints", default_breakpoints),
                    f"{set_path}.breakpoints",
                    errors,
                    context,
                ),
            }
        )
    if "tiers" in value:
        sets.append(
            {
                "when": {},
                "description": description,
                "tiers": _tiers(value["tiers"], f"{path}.tiers", errors),
                "breakpoints": _breakpoints(
                    default_breakpoints, f"{path}.breakpoints", errors, context
                ),
            }
        )
    if not sets:
        errors.add(path, "give tiers, or sets of tiers")
    return {"sets": sets}


def _tiers(value, path: str, errors: Errors) -> list[dict]:
    tiers = []
    entries = as_list(value, path, errors)
    if not entries:
        errors.add(path, "at least one tier (one tier with only a rate is a uniform rate)")
        return tiers
    previous = None
    for index, entry in enumerate(entries):
        tier_path = f"{path}[{index}]"
        entry = mapping(entry, tier_path, errors, {"up_to": False, "rate": True, "label": False})
        if entry is None:
            continue
        last = index == len(entries) - 1
        up_to = entry.get("up_to")
        if last and up_to is not None:
            errors.add(f"{tier_path}.up_to", "the last tier has no up_to: it takes all the rest")
        elif not last and up_to is None:
            errors.add(tier_path, "only the last tier may leave out up_to")
        elif up_to == "winter_average":
            if index != 0 or len(entries) != 2:
                errors.add(
                    f"{tier_path}.up_to",
                    "winter_average can only bound the first of exactly two tiers",
                )
        elif up_to is not None:
            up_to = number(up_to, f"{tier_path}.up_to", errors, positive=True)
            if up_to is not None and previous is not None and up_to <= previous:
                errors.add(
                    f"{tier_path}.up_to",
                    f"must be larger than the previous tier ({plain(previous)})",
                )
            previous = up_to if up_to is not None else previous
        rate = number(entry["rate"], f"{tier_path}.rate", errors)
        label = entry.get("label") or (f"Tier {index + 1}" if len(entries) > 1 else "")
        tiers.append(
            {
                "up_to": None if up_to is None else str(up_to),
                "rate": None if rate is None else str(rate),
                "label": str(label),
            }
        )
    return tiers


def _breakpoints(value, path: str, errors: Errors, context: dict) -> dict:
    breakpoints = {
        "scale": "period",
        "days": None,
        "unit": context["unit"],
        "per_dwelling_unit": False,
    }
    if value is None:
        return breakpoints
    value = mapping(
        value,
        path,
        errors,
        {"scale": False, "days": False, "unit": False, "per_dwelling_unit": False},
    )
    if value is None:
        return breakpoints
    scale = choice(value.get("scale", "period"), f"{path}.scale", errors, BREAKPOINT_SCALES)
    breakpoints["scale"] = scale or "period"
    if scale == "days":
        days = number(value.get("days"), f"{path}.days", errors, positive=True)
        breakpoints["days"] = None if days is None else str(days)
    elif "days" in value:
        errors.add(f"{path}.days", "only with scale: days")
    unit = choice(value.get("unit", context["unit"]), f"{path}.unit", errors, tuple(UNIT_LABELS))
    breakpoints["unit"] = unit or context["unit"]
    breakpoints["per_dwelling_unit"] = boolean(
        value.get("per_dwelling_unit", False), f"{path}.per_dwelling_unit", errors
    )
    return breakpoints
