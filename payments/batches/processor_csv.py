"""The district's payment processor settlement CSV (payments.batches.files reads it).

The layout is documented, with examples, in docs/payment-files.md.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from district.errors import ServiceError
from district.money import ZERO
from payments.batches.file_common import (
    ParsedFile,
    ParsedItem,
    check_duplicates,
    check_trailer,
    decimal_amount,
    refuse,
    text_of,
)

PROCESSOR_CSV = "processor-csv"

# -- the processor's settlement CSV -------------------------------------------------------------

PROCESSOR_COLUMNS = (
    "transaction_id",
    "settled_on",
    "account_number",
    "amount",
    "payer_name",
    "method",
    "last4",
    "paid_on",
)
PROCESSOR_REQUIRED = PROCESSOR_COLUMNS[:6]
PROCESSOR_METHODS = ("card", "ach")
TRAILER_MARKER = "TRAILER"


def parse_processor_csv(content: bytes) -> ParsedFile:
    """The district's processor settlement CSV: a header row, one row per payment, and an
    optional trailer row `TRAILER,<count>,<total>` (see docs/payment-files.md)."""
    reader = csv.reader(io.StringIO(text_of(content), newline=""))
    rows = [
        (number, row) for number, row in enumerate(reader, start=1) if any(c.strip() for c in row)
    ]
    if not rows:
        raise ServiceError("The file is empty.", code="empty")
    header_line, header = rows[0]
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in PROCESSOR_COLUMNS]
    missing = [name for name in PROCESSOR_REQUIRED if name not in names]
    if unknown or missing or len(set(names)) != len(names):
        problems = []
        if missing:
            problems.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
        if len(set(names)) != len(names):
            problems.append("a column appears twice")
        raise ServiceError(
            f"Line {header_line}, the header row: {'; '.join(problems)}. Expected the columns "
            f"{', '.join(PROCESSOR_COLUMNS)} (last4 and paid_on optional).",
            code="header",
        )
    index = {name: position for position, name in enumerate(names)}
    items: list[ParsedItem] = []
    errors: list[str] = []
    trailer: tuple[int, int, Decimal] | None = None
    for number, row in rows[1:]:
        if row and row[0].strip().upper() == TRAILER_MARKER:
            if trailer is not None:
                errors.append(f"line {number}: a second trailer row")
                continue
            parsed = _processor_trailer(number, row)
            if isinstance(parsed, str):
                errors.append(parsed)
            else:
                trailer = parsed
            continue
        if trailer is not None:
            errors.append(f"line {number}: payments after the trailer row")
            continue
        item = _processor_row(number, row, index, len(names))
        if isinstance(item, list):
            errors.extend(item)
        else:
            items.append(item)
    errors += check_duplicates(items)
    refuse(errors)
    if not items:
        raise ServiceError("The file holds no payments.", code="empty")
    computed_total = sum((item.amount for item in items), ZERO)
    if trailer is not None:
        number, count, total = trailer
        refuse(check_trailer(items, count=count, total=total, where=f"the trailer (line {number})"))
    return ParsedFile(
        file_format=PROCESSOR_CSV,
        items=items,
        control_count=len(items),
        control_total=computed_total,
        has_trailer=trailer is not None,
    )


def _processor_trailer(number: int, row: list[str]):
    cells = [cell.strip() for cell in row]
    if len(cells) < 3 or not cells[1].isdigit():
        return f"line {number}: a trailer row is TRAILER,<number of payments>,<total>"
    total = decimal_amount(cells[2])
    if total is None:
        return f"line {number}: the trailer total “{cells[2]}” is not an amount"
    return number, int(cells[1]), total


def _iso_date(text: str) -> datetime.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _processor_row(number: int, row: list[str], index: dict, width: int):
    if len(row) != width:
        return [f"line {number}: {len(row)} columns where the header has {width}"]
    value = {name: row[position].strip() for name, position in index.items()}
    errors = []
    transaction_id = value["transaction_id"]
    if not transaction_id or len(transaction_id) > 60:
        errors.append(f"line {number}: the transaction_id is missing or longer than 60 characters")
    settled_on = _iso_date(value["settled_on"])
    if settled_on is None:
        errors.append(f"line {number}: settled_on “{value['settled_on']}” is not a date YYYY-MM-DD")
    paid_on = settled_on
    if value.get("paid_on"):
        paid_on = _iso_date(value["paid_on"])
        if paid_on is None:
            errors.append(f"line {number}: paid_on “{value['paid_on']}” is not a date YYYY-MM-DD")
        elif settled_on and paid_on > settled_on:
            errors.append(f"line {number}: paid_on {paid_on} is after settled_on {settled_on}")
    amount = decimal_amount(value["amount"])
    if amount is None:
        errors.append(
            f"line {number}: the amount “{value['amount']}” is not an amount above $0.00 "
            "in dollars and cents"
        )
    method = value["method"].lower()
    last4 = value.get("last4", "")
    if method not in PROCESSOR_METHODS:
        errors.append(f"line {number}: the method “{value['method']}” is not card or ach")
    elif method == "card" and not re.fullmatch(r"\d{4}", last4):
        errors.append(f"line {number}: a card payment needs the card's last four digits (last4)")
    elif last4 and not re.fullmatch(r"\d{4}", last4):
        errors.append(f"line {number}: last4 “{last4}” is not four digits")
    if not value["account_number"]:
        errors.append(f"line {number}: the account_number is empty")
    if errors:
        return errors
    return ParsedItem(
        line_number=number,
        external_id=f"processor:{transaction_id}",
        account_text=value["account_number"],
        amount=amount,
        payer_name=value["payer_name"][:120],
        method=method,
        card_last4=last4,
        reference=transaction_id,
        paid_on=paid_on,
    )
