"""Turning what a technician typed into clean values, or field-keyed refusals they understand."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from district.errors import ServiceError

CENT = Decimal("0.01")
MAX_READING = Decimal("9999999999.99")  # the column's 12 digits


def text_of(data: dict, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    return re.sub(r"[ \t]+", " ", str(value)).strip()


def parse_decimal(
    raw, *, field: str, what: str, minimum: Decimal, maximum: Decimal, example: str
) -> Decimal:
    """A number as people type it ("1,234.5") with at most two decimals, within the range."""
    text = "" if raw is None else str(raw).strip().replace(",", "").replace(" ", "")
    if not text:
        raise ServiceError({field: f"Enter the {what}."})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ServiceError({field: f"Enter the {what} as a number, e.g. {example}."}) from None
    if not value.is_finite():
        raise ServiceError({field: f"Enter the {what} as a number, e.g. {example}."})
    if value < minimum:
        message = (
            f"The {what} cannot be negative."
            if minimum == 0
            else f"The {what} is at least {minimum}."
        )
        raise ServiceError({field: message})
    if value > maximum:
        raise ServiceError({field: f"The {what} is at most {maximum}. Check it."})
    if value != value.quantize(CENT):
        raise ServiceError({field: f"The {what} has at most two decimals."})
    return value.quantize(CENT)


def parse_reading(raw, *, field: str) -> Decimal:
    return parse_decimal(
        raw, field=field, what="reading", minimum=Decimal(0), maximum=MAX_READING, example="1234.5"
    )


YES_WORDS = {"yes", "y", "true", "on", "1"}
NO_WORDS = {"no", "n", "false", "off", "0"}


def parse_yes_no(raw, *, field: str, question: str) -> bool:
    if isinstance(raw, bool):
        return raw
    word = "" if raw is None else str(raw).strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ServiceError({field: f"{question} Choose yes or no."})


def parse_time(raw, *, field: str, what: str) -> str:
    """A time of day typed as HH:MM (24-hour, as a phone's time picker sends it)."""
    if isinstance(raw, datetime.time):
        return raw.strftime("%H:%M")
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise ServiceError({field: f"Enter the {what} (HH:MM)."})
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ServiceError({field: f"Enter the {what} as HH:MM, e.g. 14:30."})
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def normalise_serial(raw) -> str:
    return ("" if raw is None else str(raw)).replace(" ", "").strip().upper()


def limited(value: str, *, field: str, limit: int) -> str:
    if len(value) > limit:
        raise ServiceError({field: f"Keep this under {limit} characters."})
    return value


def collect(*checks: Callable[[], object]) -> list:
    """Run each check; raise all their field errors together, or return their results."""
    results, errors = [], {}
    for check in checks:
        try:
            results.append(check())
        except ValidationError as error:
            results.append(None)
            errors.update(error.message_dict)
    if errors:
        raise ServiceError(errors)
    return results
