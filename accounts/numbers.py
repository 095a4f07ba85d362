"""Account numbers: digits with a Luhn check digit, so a mistyped number is caught at entry."""

import re

from django.core.exceptions import ValidationError
from django.db import connection


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits + check` pass the Luhn test."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: these sit at odd places once the check digit is added
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def is_valid_luhn(number: str) -> bool:
    return len(number) >= 2 and number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def with_check_digit(base: str) -> str:
    return base + luhn_check_digit(base)


def format_account_number(number: str) -> str:
    """10000015 -> 1000001-5."""
    return f"{number[:-1]}-{number[-1]}"


def normalise_account_number(typed: str) -> str:
    """What a person typed ("1000001-5", " 1000 0015 ") -> "10000015", or a clear refusal."""
    digits = re.sub(r"[\s-]", "", typed or "")
    if not digits.isdigit():
        raise ValidationError("An account number has only digits (and an optional dash).")
    if not 7 <= len(digits) <= 12:
        raise ValidationError("That account number is too short or too long.")
    if not is_valid_luhn(digits):
        raise ValidationError(
            "That account number's check digit does not match: please check the number.",
            code="check_digit",
        )
    return digits


def next_account_number() -> str:
    """A new account number from the database sequence (never reused, never raced)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('accounts_account_number_seq')")
        (value,) = cursor.fetchone()
    return with_check_digit(str(value))
