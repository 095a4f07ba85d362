"""The charge sections of the rate file: conditions, fixed charges, tiers, surcharges, sewer."""

from billing.rates.checks import (
    Errors,
    as_list,
    boolean,
    choice,
    iso_date,
    mapping,
    number,
    plain,
    text,
    whole_number,
)
from billing.rates.terms import (
    BREAKPOINT_SCALES,
    CUSTOMER_CLASSES,
    MAX_PLACES,
    METER_SIZES,
    MINIMUM_COVERS,
    PERCENT_OF,
    SEWER_CAPS,
    SLUG,
    STATED_PER,
    SURCHARGE_KINDS,
    UNIT_LABELS,
)

# -- conditions: which customers a set of charges applies to


def when(value, path: str, errors: Errors, context: dict) -> dict:
    if value is None:
        return {}
    value = mapping(
        value,
        path,
        errors,
        {"classes": False, "meter_sizes": False, "zones": False, "months": False},
    )
    if value is None:
        return {}
    when = {}
    if "classes" in value:
        classes = [str(name) for name in as_list(value["classes"], f"{path}.classes", errors)]
        bad = [name for name in classes if name not in CUSTOMER_CLASSES]
        if bad:
            errors.add(
                f"{path}.classes",
                f"not customer classes: {', '.join(bad)} (classes: {', '.join(CUSTOMER_CLASSES)})",
            )
        when["classes"] = classes
    if "meter_sizes" in value:
        sizes = as_list(value["meter_sizes"], f"{path}.meter_sizes", errors)
        when["meter_sizes"] = expand_sizes(sizes, f"{path}.meter_sizes", errors, context)
    if "zones" in value:
        zones = [str(name) for name in as_list(value["zones"], f"{path}.zones", errors)]
        bad = [name for name in zones if name not in context["zones"]]
        if bad:
            declared = ", ".join(context["zones"]) or "none are declared under zones"
            errors.add(f"{path}.zones", f"unknown zones: {', '.join(bad)} ({declared})")
        when["zones"] = zones
    if "months" in value:
        months = as_list(value["months"], f"{path}.months", errors)
        if any(not isinstance(month, int) or not 1 <= month <= 12 for month in months):
            errors.add(f"{path}.months", "month numbers from 1 (January) to 12 (December)")
        when["months"] = [month for month in months if isinstance(month, int)]
    return when


def expand_sizes(names, path: str, errors: Errors, context: dict) -> list[str]:
    sizes = []
    for name in names:
        name = str(name)
        if name in context["groups"]:
            sizes.extend(context["groups"][name])
        elif name in METER_SIZES:
            sizes.append(name)
        else:
            errors.add(path, f"“{name}” is not a meter size ({', '.join(METER_SIZES)}) or group")
    return sizes


# -- fixed charges (service charge, sewer fixed charge)

_FIXED_KEYS = {
    "description": False,
    "per": False,
    "amount": False,
    "by_meter_size": False,
    "per_dwelling_unit": False,
}


def _fixed_body(value: dict, path: str, errors: Errors, context: dict, defaults: dict) -> dict:
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
    value = mapping(value, path, errors, {**_FIXED_KEYS, "sets": False})
    if value is None:
        return None
    defaults = {"description": description, "per": context["period"]}
    defaults["description"] = value.get("description", description)
    defaults["per"] = value.get("per", context["period"])
    defaults["per_dwelling_unit"] = value.get("per_dwelling_unit", False)
    sets = []
    for index, entry in enumerate(as_list(value.get("sets", []), f"{path}.sets", errors)):
        set_path = f"{path}.sets[{index}]"
        entry = mapping(entry, set_path, errors, {**_FIXED_KEYS, "when": True})
        if entry is not None:
            body = _fixed_body(entry, set_path, errors, context, defaults)
            body["when"] = when(entry["when"], f"{set_path}.when", errors, context)
            sets.append(body)
    if "amount" in value or "by_meter_size" in value:
        body = _fixed_body(value, path, errors, context, defaults)
        body["when"] = {}
        sets.append(body)
    if not sets:
        errors.add(path, "give amount or by_meter_size, or sets of them")
    return {"sets": sets}


# -- volumetric charges: tier sets


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


# -- surcharges, sewer, minimum charge, late penalty


def surcharges(value, errors: Errors, context: dict) -> list[dict]:
    surcharges = []
    codes = set()
    for index, entry in enumerate(as_list(value or [], "surcharges", errors)):
        path = f"surcharges[{index}]"
        entry = mapping(
            entry,
            path,
            errors,
            {
                "code": True,
                "description": True,
                "kind": True,
                "amount": False,
                "rate": False,
                "per": False,
                "per_dwelling_unit": False,
                "percent": False,
                "of": False,
                "when": False,
                "effective": False,
            },
        )
        if entry is None:
            continue
        code = entry["code"]
        if not isinstance(code, str) or not SLUG.match(code):
            errors.add(f"{path}.code", "a short code of lowercase letters, digits and dashes")
        elif code in codes:
            errors.add(f"{path}.code", f"“{code}” is used by another surcharge")
        codes.add(code)
        kind = choice(entry["kind"], f"{path}.kind", errors, SURCHARGE_KINDS)
        number_key = {"flat": "amount", "per_unit": "rate", "percent": "percent"}.get(kind)
        for wrong_key in ("amount", "rate", "percent"):
            if kind and wrong_key != number_key and wrong_key in entry:
                errors.add(
                    f"{path}.{wrong_key}", f"a {kind} surcharge has {number_key}, not {wrong_key}"
                )
        if kind != "percent" and "of" in entry:
            errors.add(f"{path}.of", "only a percent surcharge is a percent of other lines")
        places = 4 if kind == "percent" else MAX_PLACES
        price = (
            number(entry.get(number_key), f"{path}.{number_key}", errors, places=places)
            if kind
            else None
        )
        if kind == "percent":
            surcharges.append(_percent_surcharge(entry, path, errors, context, code, price))
            continue
        surcharges.append(
            {
                "code": code,
                "description": text(entry["description"], f"{path}.description", errors),
                "kind": kind,
                "amount": str(price) if kind == "flat" and price is not None else None,
                "rate": str(price) if kind == "per_unit" and price is not None else None,
                "per": choice(
                    entry.get("per", context["period"]), f"{path}.per", errors, STATED_PER
                ),
                "per_dwelling_unit": boolean(
                    entry.get("per_dwelling_unit", False), f"{path}.per_dwelling_unit", errors
                ),
                "when": when(entry.get("when"), f"{path}.when", errors, context),
                "effective": _effective(entry.get("effective"), f"{path}.effective", errors),
            }
        )
    return surcharges


def _percent_surcharge(entry, path, errors, context, code, percent) -> dict:
    """A surcharge of a percent of the bill's other lines: `percent: 8`, `of: [water]`."""
    of = [str(name) for name in as_list(entry.get("of", ["water"]), f"{path}.of", errors)]
    bad = [name for name in of if name not in PERCENT_OF]
    if bad:
        errors.add(f"{path}.of", f"not line kinds: {', '.join(bad)} ({', '.join(PERCENT_OF)})")
    elif not of:
        errors.add(f"{path}.of", f"at least one line kind ({', '.join(PERCENT_OF)})")
    return {
        "code": code,
        "description": text(entry["description"], f"{path}.description", errors),
        "kind": "percent",
        "amount": None,
        "rate": None,
        "percent": None if percent is None else str(percent),
        "of": of,
        "per": context["period"],
        "per_dwelling_unit": False,
        "when": when(entry.get("when"), f"{path}.when", errors, context),
        "effective": _effective(entry.get("effective"), f"{path}.effective", errors),
    }


def _effective(value, path: str, errors: Errors) -> list[dict]:
    if value is None:
        return []
    entries = [value] if isinstance(value, dict) else as_list(value, path, errors)
    ranges = []
    for index, entry in enumerate(entries):
        entry_path = f"{path}[{index}]" if isinstance(value, list) else path
        entry = mapping(entry, entry_path, errors, {"from": True, "to": False})
        if entry is None:
            continue
        start = iso_date(entry["from"], f"{entry_path}.from", errors)
        end = iso_date(entry["to"], f"{entry_path}.to", errors) if entry.get("to") else None
        if start and end and end < start:
            errors.add(f"{entry_path}.to", f"ends before it starts ({start.isoformat()})")
        if start:
            ranges.append({"from": start.isoformat(), "to": end.isoformat() if end else None})
    return ranges


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
        fixed = mapping(entry["fixed"], f"{path}.fixed", errors, _FIXED_KEYS)
        if fixed is not None:
            defaults = {"description": f"{description}, fixed charge", "per": context["period"]}
            sewer_set["fixed"] = _fixed_body(fixed, f"{path}.fixed", errors, context, defaults)
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
