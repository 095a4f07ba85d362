"""Small checkers for the rate file: each reports a problem at its key path and returns None."""

import datetime
from decimal import Decimal, InvalidOperation

from billing.rates.terms import MAX_PLACES


class Errors:
    def __init__(self):
        self.messages: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.messages.append(f"{path}: {message}" if path else message)


def mapping(value, path: str, errors: Errors, keys: dict[str, bool]):
    if not isinstance(value, dict):
        errors.add(path or "the file", f"a mapping with the keys {', '.join(keys)}")
        return None
    value = {str(key): item for key, item in value.items()}
    ok = True
    for key in value:
        if key not in keys:
            errors.add(join(path, key), f"unknown key (expected one of: {', '.join(keys)})")
    for key, required in keys.items():
        if required and value.get(key) is None:
            errors.add(join(path, key), "required")
            ok = False
    return value if ok else None


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def as_list(value, path: str, errors: Errors) -> list:
    if isinstance(value, list):
        return value
    errors.add(path, "a list")
    return []


def number(value, path: str, errors: Errors, *, places: int = MAX_PLACES, positive=False):
    if value is None:
        errors.add(path, "required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        errors.add(path, "a number")
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "").removeprefix("$"))
    except InvalidOperation:
        errors.add(path, f"“{value}” is not a number")
        return None
    if not number.is_finite():
        errors.add(path, f"“{value}” is not a number")
        return None
    if number < 0 or (positive and number == 0):
        errors.add(path, "must be more than zero" if positive else "cannot be negative")
        return None
    if -number.as_tuple().exponent > places:
        errors.add(path, f"at most {places} decimal places")
        return None
    return number


def whole_number(value, path: str, errors: Errors, *, minimum: int):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors.add(path, f"a whole number, at least {minimum}")
        return None
    return value


def iso_date(value, path: str, errors: Errors):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.add(path, "a date written YYYY-MM-DD" if value is not None else "required")
        return None


def choice(value, path: str, errors: Errors, choices: tuple):
    if value not in choices:
        errors.add(path, f"“{value}” is not one of: {', '.join(choices)}")
        return None
    return value


def boolean(value, path: str, errors: Errors) -> bool:
    if not isinstance(value, bool):
        errors.add(path, "true or false")
        return False
    return value


def text(value, path: str, errors: Errors, *, max_length=255, required=True) -> str:
    if value is None or (required and str(value).strip() == ""):
        if required:
            errors.add(path, "required")
        return ""
    text = str(value).strip()
    if max_length and len(text) > max_length and path not in ("reference", "notes"):
        errors.add(path, f"at most {max_length} characters")
    return text


def plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
