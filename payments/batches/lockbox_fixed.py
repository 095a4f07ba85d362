"""The bank's lockbox transmission, PeopleSoft Receivables fixed layout (payments.batches.files
reads it). The layout is documented, with examples, in docs/payment-files.md.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from district.errors import ServiceError
from district.money import CENT, ZERO
from payments.batches.file_common import (
    ParsedFile,
    ParsedItem,
    check_trailer,
    decimal_amount,
    refuse,
    text_of,
)

LOCKBOX_FIXED = "lockbox-fixed"

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
        return decimal_amount(text)
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
    header, lockboxes, payments = _lockbox_records(text_of(content).splitlines())
    errors: list[str] = []
    items = _lockbox_items(payments, header, errors)
    refuse(errors)
    if not items:
        raise ServiceError("The file holds no payments.", code="empty")
    refuse(_lockbox_controls(items, header, lockboxes))
    return ParsedFile(
        file_format=LOCKBOX_FIXED,
        items=items,
        control_count=len(items),
        control_total=sum((item.amount for item in items), ZERO),
        has_trailer=True,
    )


def _lockbox_records(lines: list[str]) -> tuple[dict, dict, dict]:
    """(the header, the lockboxes' control figures, the payments by lockbox, batch and
    sequence), or the file refused with every record at fault."""
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
    refuse(errors)
    return header, lockboxes, payments


def _lockbox_items(payments: dict, header: dict, errors: list[str]) -> list[ParsedItem]:
    """The complete payments as items; an incomplete one adds to `errors`."""
    items = []
    deposit = header["date"].isoformat()
    for (lockbox_id, batch_id, sequence), payment in payments.items():
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
    return items


def _lockbox_controls(items: list[ParsedItem], header: dict, lockboxes: dict) -> list[str]:
    """Each lockbox's count and total, and the header's total and number of lockboxes."""
    errors = []
    for lockbox_id, control in lockboxes.items():
        if control.get("count") is None:
            errors.append(f"lockbox {lockbox_id} has no lockbox record (detail type 00)")
            continue
        inside = [item for item in items if item.external_id.split(":")[1] == lockbox_id]
        errors += check_trailer(
            inside,
            count=control["count"],
            total=control["total"],
            where=f"the lockbox record of lockbox {lockbox_id} (line {control['line']})",
        )
    # The header gives the transmission's total but no payment count.
    errors += check_trailer(
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
    return errors


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
