"""What the payment file parsers share: the parsed file, the refusal, amounts and controls.

Nothing here touches the database; payments.batches.files is the entry point.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from district.errors import ServiceError
from district.money import CENT, ZERO, format_money

# Errors listed in one refusal before "and N more".
_MAX_LISTED = 10


@dataclass(frozen=True)
class ParsedItem:
    line_number: int
    external_id: str  # unique across files: the processor's or the bank's identity of the item
    account_text: str  # the account number as the file gives it (checked later, never trusted)
    amount: Decimal
    payer_name: str = ""
    method: str = ""  # tender kind: card / ach / check
    card_last4: str = ""
    check_number: str = ""
    reference: str = ""  # the processor's transaction id (kept as the tender's reference)
    paid_on: datetime.date | None = None


@dataclass
class ParsedFile:
    file_format: str
    items: list[ParsedItem]
    control_count: int
    control_total: Decimal
    has_trailer: bool
    notes: list[str] = field(default_factory=list)


def refuse(errors: list[str]) -> None:
    if errors:
        shown = errors[:_MAX_LISTED]
        more = len(errors) - len(shown)
        message = "The file was not imported: " + "; ".join(shown)
        if more:
            message += f"; and {more} more problem{'s' if more > 1 else ''}"
        raise ServiceError(message + ".", code="bad_file")


def text_of(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(
            "The file is not plain text (UTF-8): is it the right file?", code="encoding"
        ) from None


def decimal_amount(text: str) -> Decimal | None:
    """ "125.50" -> Decimal; None when it is not a positive amount in dollars and cents."""
    cleaned = text.strip().replace(",", "").replace("$", "")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        return None
    try:
        amount = Decimal(cleaned).quantize(CENT)
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def check_trailer(items, *, count: int, total: Decimal, where: str) -> list[str]:
    found_total = sum((item.amount for item in items), ZERO)
    errors = []
    if count != len(items):
        errors.append(f"{where} says {count} payments but the file holds {len(items)}")
    if total != found_total:
        errors.append(
            f"{where} says {format_money(total)} but the payments add up to "
            f"{format_money(found_total)} (a difference of {format_money(found_total - total)})"
        )
    return errors


def check_duplicates(items: list[ParsedItem]) -> list[str]:
    first_line: dict[str, int] = {}
    errors = []
    for item in items:
        if item.external_id in first_line:
            errors.append(
                f"line {item.line_number} repeats the payment of line "
                f"{first_line[item.external_id]} ({item.external_id})"
            )
        else:
            first_line[item.external_id] = item.line_number
    return errors
