"""Conditions: which customers a set of charges applies to (`when:` in the rate file)."""

from billing.rates.checks import Errors, as_list, mapping
from billing.rates.terms import CUSTOMER_CLASSES, METER_SIZES


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
