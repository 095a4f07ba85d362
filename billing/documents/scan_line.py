"""The OCR-style scan line printed on the remittance stub, and its parser for mail payment entry.

Fixed width, 23 digits, printed as three groups separated by single spaces:

    <account number with its Luhn digit, zero-padded to 12> <amount due in cents, 10 digits> <check>
    e.g.  000090000019 0000012345 6

The account number keeps its own Luhn check digit (accounts.numbers), so the account alone is
still verifiable. The final digit is a Luhn check digit (mod 10, weights 2-1 from the right,
the digits of each product summed) over the 22 digits before it. Luhn catches every
single-digit substitution and every adjacent transposition except 09/90; the fixed width
catches every dropped or doubled digit (a variable-width account field would not: dropping a
zero from a run of zeros can leave a line that still passes both check digits).

Account numbers come from a sequence and never begin with 0 (the account number constraint
allows 6 to 12 digits), so the padding zeros are stripped when parsing. A credit balance
(amount due below zero) prints as 0000000000: nothing to remit.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from accounts.numbers import is_valid_luhn, luhn_check_digit
from district.errors import ServiceError
from district.money import CENT, ZERO, quantize_money

AMOUNT_DIGITS = 10
ACCOUNT_MIN_DIGITS, ACCOUNT_MAX_DIGITS = 6, 12
LINE_DIGITS = ACCOUNT_MAX_DIGITS + AMOUNT_DIGITS + 1  # 23
LARGEST_AMOUNT = Decimal("99999999.99")  # ten digits of cents


@dataclass(frozen=True)
class ScanLine:
    account_number: str  # digits, with the account's own check digit
    amount: Decimal  # the amount due printed on the stub, dollars and cents


def scan_line(account_number: str, amount_due: Decimal) -> str:
    """The scan line as printed: "<account> <cents, 10 digits> <check digit>"."""
    if not (
        account_number.isdigit()
        and not account_number.startswith("0")
        and ACCOUNT_MIN_DIGITS <= len(account_number) <= ACCOUNT_MAX_DIGITS
        and is_valid_luhn(account_number)
    ):
        raise ValueError(f"{account_number!r} is not an account number with its check digit.")
    amount = max(quantize_money(amount_due), ZERO)
    if amount > LARGEST_AMOUNT:
        raise ValueError(f"{amount} does not fit a scan line's {AMOUNT_DIGITS} digits.")
    account = account_number.rjust(ACCOUNT_MAX_DIGITS, "0")
    cents = f"{int(amount / CENT):0{AMOUNT_DIGITS}d}"
    return f"{account} {cents} {luhn_check_digit(account + cents)}"


def parse_scan_line(text: str) -> ScanLine:
    """What a scanner or a person typed (spaces or not) -> ScanLine, or a clear ServiceError."""
    typed = (text or "").strip()
    if not typed:
        raise ServiceError("Enter or scan the line printed on the payment stub.", code="empty")
    if not re.fullmatch(r"[\d\s-]+", typed):
        raise ServiceError(
            "A scan line has only digits (and spaces): please check what was typed.",
            code="invalid",
        )
    digits = re.sub(r"[\s-]", "", typed)
    if len(digits) != LINE_DIGITS:
        raise ServiceError(
            f"A scan line has {LINE_DIGITS} digits; this one has {len(digits)}: "
            f"a digit is {'missing' if len(digits) < LINE_DIGITS else 'extra'}.",
            code="length",
        )
    if not is_valid_luhn(digits):
        raise ServiceError(
            "The scan line's check digit does not match: a digit was misread or mistyped.",
            code="check_digit",
        )
    account_number = digits[:ACCOUNT_MAX_DIGITS].lstrip("0")
    cents = digits[ACCOUNT_MAX_DIGITS:-1]
    if len(account_number) < ACCOUNT_MIN_DIGITS or not is_valid_luhn(account_number):
        raise ServiceError(
            "The account number in the scan line does not pass its check digit.",
            code="account_check_digit",
        )
    return ScanLine(account_number=account_number, amount=(Decimal(int(cents)) * CENT))
