"""Surcharges: flat, per unit or a percent of other lines, each with its dates in force."""

from billing.rates.checks import Errors, as_list, boolean, choice, iso_date, mapping, number, text
from billing.rates.sections.conditions import when
from billing.rates.terms import MAX_PLACES, PERCENT_OF, SLUG, STATED_PER, SURCHARGE_KINDS


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
