"""US phone numbers: stored as 10 digits, shown as (555) 555-0100, typed any way."""

import re

from django.core.exceptions import ValidationError


def normalise_phone(typed: str) -> str:
    """ "(555) 555-0100", "555.555.0100", "+1 555 555 0100" -> "5555550100"; "" stays ""."""
    if not typed or not typed.strip():
        return ""
    digits = re.sub(r"\D", "", typed)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValidationError("Enter a 10-digit phone number, e.g. (555) 555-0100.", code="phone")
    if digits[0] in "01":
        raise ValidationError("A US phone number cannot start with 0 or 1.", code="phone")
    return digits


def format_phone(digits: str) -> str:
    if len(digits or "") != 10:
        return digits or ""
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
