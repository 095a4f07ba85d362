"""Parsers of payment files: the processor's CSV and the bank's lockbox transmission.

Each parser turns the file's bytes into a ParsedFile (its items, each with an external id that
identifies it across files, and the file's own control figures) or refuses the whole file with
a ValidationError naming the lines at fault. Nothing here touches the database. The layouts
are documented, with examples, in docs/payment-files.md.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from district.money import CENT, ZERO, format_money

PROCESSOR_CSV = "processor-csv"
LOCKBOX_FIXED = "lockbox-fixed"
FORMATS = {
    PROCESSOR_CSV: "Payment processor settlement (CSV)",
    LOCKBOX_FIXED: "Bank lockbox transmission (fixed width)",
}
# The batch kind each format makes.
FORMAT_KIND = {PROCESSOR_CSV: "processor", LOCKBOX_FIXED: "lockbox"}

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


def _refuse(errors: list[str]) -> None:
    if errors:
        shown = errors[:_MAX_LISTED]
        more = len(errors) - len(shown)
        message = "The file was not imported: " + "; ".join(shown)
        if more:
            message += f"; and {more} more problem{'s' if more > 1 else ''}"
        raise ValidationError(message + ".", code="bad_file")


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "The file is not plain text (UTF-8): is it the right file?", code="encoding"
        ) from None


def _decimal_amount(text: str) -> Decimal | None:
    """ "125.50" -> Decimal; None when it is not a positive amount in dollars and cents."""
    cleaned = text.strip().replace(",", "").replace("$", "")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        return None
    try:
        amount = Decimal(cleaned).quantize(CENT)
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def _check_trailer(items, *, count: int, total: Decimal, where: str) -> list[str]:
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


def _check_duplicates(items: list[ParsedItem]) -> list[str]:
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
    reader = csv.reader(io.StringIO(_text(content), newline=""))
    rows = [
        (number, row) for number, row in enumerate(reader, start=1) if any(c.strip() for c in row)
    ]
    if not rows:
        raise ValidationError("The file is empty.", code="empty")
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
        raise ValidationError(
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
    errors += _check_duplicates(items)
    _refuse(errors)
    if not items:
        raise ValidationError("The file holds no payments.", code="empty")
    computed_total = sum((item.amount for item in items), ZERO)
    if trailer is not None:
        number, count, total = trailer
        _refuse(
            _check_trailer(items, count=count, total=total, where=f"the trailer (line {number})")
        )
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
    total = _decimal_amount(cells[2])
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
    amount = _decimal_amount(value["amount"])
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


# -- the bank's lockbox transmission (PeopleSoft Receivables fixed layout) -----------------------
# Columns are 1-based and inclusive, as in the published layout; see docs/payment-files.md.

_COMMON = {
    "lockbox_id": (2, 16),
    "batch_id": (17, 21),
    "sequence": (22, 26),
    "group": (27, 30),
    "detail_type": (31, 32),
}


def _cut(line: str, span: tuple[int, int]) -> str:
    start, end = span
    return line[start - 1 : end].strip()


def _lockbox_amount(text: str) -> Decimal | None:
    """An amount field: with a decimal point it is read as written; digits alone are cents (the
    BAI convention of implied decimals). Blank or zero is not an amount."""
    text = text.strip()
    if "." in text:
        return _decimal_amount(text)
    if not text.isdigit():
        return None
    amount = (Decimal(int(text)) * CENT).quantize(CENT)
    return amount if amount > 0 else None


def _mmddyyyy(text: str) -> datetime.date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return datetime.date(int(text[4:]), int(text[:2]), int(text[2:4]))
    except ValueError:
        return None


@dataclass
class _LockboxPayment:
    line_number: int
    lockbox_id: str
    batch_id: str
    sequence: str
    check_number: str = ""
    amount: Decimal | None = None
    paid_on: datetime.date | None = None
    customer_id: str = ""
    payer_name: str = ""


def parse_lockbox_fixed(content: bytes) -> ParsedFile:
    """A lockbox transmission: header (1), service (2), then detail records (3) per lockbox:
    the lockbox record (00, the lockbox's control count and total), batch records (01) and each
    payment's detail records (02 check, 03 customer, 05 remitter name; others ignored)."""
    lines = _text(content).splitlines()
    errors: list[str] = []
    header: dict | None = None
    lockboxes: dict[str, dict] = {}
    payments: dict[tuple[str, str, str], _LockboxPayment] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        record_type = line[0]
        if record_type == "1":
            if header is not None:
                errors.append(f"line {number}: a second header record")
                continue
            header = _lockbox_header(number, line, errors)
        elif record_type == "2":
            if _cut(line, (42, 44)) not in ("400", ""):
                errors.append(f"line {number}: the service record is not a lockbox service (400)")
        elif record_type == "3":
            if header is None:
                errors.append(f"line {number}: a detail record before the header record")
                continue
            _lockbox_detail(number, line, lockboxes, payments, errors)
        else:
            errors.append(f"line {number}: “{record_type}” is not a record type (1, 2 or 3)")
    if header is None and not errors:
        errors.append("the file has no header record (type 1)")
    _refuse(errors)
    items = []
    for key, payment in payments.items():
        missing = []
        if payment.amount is None:
            missing.append("check record (02) with the amount")
        if not payment.customer_id:
            missing.append("customer record (03) with the account number")
        if missing:
            errors.append(
                f"line {payment.line_number}: payment {payment.sequence} of batch "
                f"{payment.batch_id} has no {' and no '.join(missing)}"
            )
            continue
        lockbox_id, batch_id, sequence = key
        deposit = header["date"].isoformat()
        items.append(
            ParsedItem(
                line_number=payment.line_number,
                external_id=f"lockbox:{lockbox_id}:{deposit}:{batch_id}:{sequence}",
                account_text=payment.customer_id,
                amount=payment.amount,
                payer_name=payment.payer_name[:120],
                method="check",
                check_number=payment.check_number[:20],
                paid_on=payment.paid_on or header["date"],
            )
        )
    _refuse(errors)
    if not items:
        raise ValidationError("The file holds no payments.", code="empty")
    for lockbox_id, control in lockboxes.items():
        if control.get("count") is None:
            errors.append(f"lockbox {lockbox_id} has no lockbox record (detail type 00)")
            continue
        inside = [item for item in items if item.external_id.split(":")[1] == lockbox_id]
        errors += _check_trailer(
            inside,
            count=control["count"],
            total=control["total"],
            where=f"the lockbox record of lockbox {lockbox_id} (line {control['line']})",
        )
    # The header gives the transmission's total but no payment count.
    errors += _check_trailer(
        items,
        count=len(items),
        total=header["total"],
        where=f"the header record (line {header['line']})",
    )
    if header["lockboxes"] != len(lockboxes):
        errors.append(
            f"the header record says {header['lockboxes']} lockboxes but the file holds "
            f"{len(lockboxes)}"
        )
    _refuse(errors)
    return ParsedFile(
        file_format=LOCKBOX_FIXED,
        items=items,
        control_count=len(items),
        control_total=sum((item.amount for item in items), ZERO),
        has_trailer=True,
    )


def _lockbox_header(number: int, line: str, errors: list[str]) -> dict | None:
    count = _cut(line, (22, 26))
    total = _lockbox_amount(_cut(line, (27, 42)))
    date = _mmddyyyy(_cut(line, (43, 50)))
    if not count.isdigit():
        errors.append(
            f"line {number}: the header's number of lockboxes (columns 22-26) is not a number"
        )
    if total is None:
        errors.append(f"line {number}: the header's total (columns 27-42) is not an amount")
    if date is None:
        errors.append(f"line {number}: the transmission date (columns 43-50) is not MMDDYYYY")
    if errors:
        return {"line": number, "lockboxes": 0, "total": ZERO, "date": datetime.date.min}
    return {"line": number, "lockboxes": int(count), "total": total, "date": date}


def _lockbox_detail(number, line, lockboxes, payments, errors) -> None:
    common = {name: _cut(line, span) for name, span in _COMMON.items()}
    lockbox_id, batch_id, sequence = common["lockbox_id"], common["batch_id"], common["sequence"]
    detail_type = common["detail_type"]
    if not lockbox_id:
        errors.append(f"line {number}: the lockbox id (columns 2-16) is empty")
        return
    if not sequence.isdigit():
        errors.append(f"line {number}: the sequence number (columns 22-26) is not a number")
        return
    lockbox = lockboxes.setdefault(lockbox_id, {})
    if detail_type == "00":
        count, total = _cut(line, (55, 60)), _lockbox_amount(_cut(line, (39, 54)))
        if "count" in lockbox:
            errors.append(f"line {number}: a second lockbox record for lockbox {lockbox_id}")
        elif not count.isdigit() or total is None:
            errors.append(
                f"line {number}: the lockbox record's payment count (columns 55-60) or total "
                "(columns 39-54) is not a number"
            )
        else:
            lockbox.update(count=int(count), total=total, line=number)
        return
    if detail_type == "01" or int(sequence) == 0:
        return  # the batch record: its control columns are not read (see the docs)
    if not batch_id:
        errors.append(f"line {number}: the batch id (columns 17-21) is empty")
        return
    key = (lockbox_id, batch_id, str(int(sequence)))
    payment = payments.setdefault(key, _LockboxPayment(number, lockbox_id, batch_id, key[2]))
    if detail_type == "02":
        if payment.amount is not None:
            errors.append(f"line {number}: a second check record for payment {key[2]}")
            return
        amount = _lockbox_amount(_cut(line, (48, 61)))
        if amount is None:
            errors.append(f"line {number}: the payment amount (columns 48-61) is not an amount")
            return
        paid_on_text = _cut(line, (62, 69))
        paid_on = _mmddyyyy(paid_on_text) if paid_on_text else None
        if paid_on_text and paid_on is None:
            errors.append(f"line {number}: the payment date (columns 62-69) is not MMDDYYYY")
            return
        currency = _cut(line, (73, 75))
        if currency not in ("", "USD"):
            errors.append(f"line {number}: the payment is in {currency}, not US dollars")
            return
        payment.check_number = _cut(line, (33, 47))
        payment.amount = amount
        payment.paid_on = paid_on
    elif detail_type == "03":
        payment.customer_id = _cut(line, (38, 50))
    elif detail_type == "05":
        payment.payer_name = _cut(line, (33, 71))
    elif detail_type in ("04", "06", "07", "08", "09"):
        return
    else:
        errors.append(f"line {number}: “{detail_type}” is not a detail record type (00-09)")


PARSERS = {PROCESSOR_CSV: parse_processor_csv, LOCKBOX_FIXED: parse_lockbox_fixed}


def parse_payment_file(content: bytes, file_format: str) -> ParsedFile:
    parser = PARSERS.get(file_format)
    if parser is None:
        raise ValidationError(
            f"“{file_format}” is not a payment file layout we read ({', '.join(FORMATS)}).",
            code="format",
        )
    return parser(content)
