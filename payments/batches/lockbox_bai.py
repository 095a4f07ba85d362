"""The bank's lockbox transmission in the classic BAI lockbox layout (payments.batches.files
reads it), beside the PeopleSoft layout of lockbox_fixed.py.

Layout followed: BAI Lockbox Communications Standard, 80-character records, as published in
Wells Fargo's "Wholesale Lockbox Remittance Processing, BAI File Specification" (TM-2012,
January 2007: record types 1, 2, 5, 6, 4, 7, 8, 9), KeyBank's "Lockbox Transmission Toolkit"
(10/17) and SAP's "Lockbox File Creation Guide for BAI & BAI2 Formats" (field positions; the
type 4 overflow record as SAP reads it: batch, item, overflow type 6, sequence, last-record 9).
Banks vary the unused columns; a bank whose sheet differs in the columns read here needs its
own layout. Columns (1-based, inclusive):

  1  immediate address header  2-3 priority, 4-13 destination, 14-23 origin, 24-29 YYMMDD,
                               30-33 HHMM
  2  service record            2-11 ultimate destination, 12-21 ultimate origin (not read)
  5  lockbox (batch) header    2-4 batch, 5-11 lockbox number, 12-17 deposit date YYMMDD,
                               18-27 destination, 28-37 origin
  6  detail                    2-4 batch, 5-7 item, 8-17 check amount (cents, no point),
                               18-26 remitter's routing number, 27-36 remitter's account,
                               37-46 check number, 47-62 invoice (our account number),
                               63-72 invoice amount
  4  overflow (of the 6)       2-4 batch, 5-7 item, 8 overflowed record type (6),
                               9-10 sequence 01.., 11 9 on the last overflow else 0,
                               12-27 invoice, 28-37 amount, 38-53 invoice, 54-63 amount
  7  batch total               2-4 batch, 5-7 last item, 8-14 lockbox, 15-20 deposit date,
                               21-23 number of checks, 24-33 total (cents)
  8  service (lockbox) total   8-14 lockbox, 15-20 deposit date, 21-24 number of checks,
                               25-34 total (cents)
  9  transmission trailer      2-7 number of records in the transmission, this one included

Each batch (7) and lockbox (8) total and count, and the trailer's record count, are checked:
a file that disagrees with them is refused whole, naming the line and the reason. The district
account number is the remittance's invoice number; a check whose stub names no account, or
names several, is kept for a CSR to apply (the import's exceptions), never guessed.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from district.errors import ServiceError
from district.money import ZERO
from payments.batches.file_common import (
    ParsedFile,
    ParsedItem,
    check_duplicates,
    check_trailer,
    refuse,
    text_of,
)
from payments.batches.lockbox_fixed import _lockbox_amount

LOCKBOX_BAI = "lockbox-bai"


def _cut(line: str, start: int, end: int) -> str:
    return line[start - 1 : end].strip()


def _yymmdd(text: str) -> datetime.date | None:
    if len(text) != 6 or not text.isdigit():
        return None
    try:
        return datetime.date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        return None


@dataclass
class BaiDetail:
    line_number: int
    lockbox: str
    batch: str
    item: str
    deposit_date: datetime.date
    amount: Decimal
    check_number: str
    remitter_routing: str
    remitter_account: str
    # (invoice number, amount or None): the detail's own, then its overflow records'
    invoices: list[tuple[str, Decimal | None]] = field(default_factory=list)
    last_overflow: int = 0  # the last overflow sequence read
    overflow_closed: bool = False  # an overflow record marked last (9) was read


@dataclass
class _Open:
    """The lockbox and batch being read, with what their totals must equal."""

    lockbox: str = ""
    lockbox_line: int = 0
    lockbox_details: list[BaiDetail] = field(default_factory=list)
    batch: str = ""
    batch_line: int = 0
    deposit_date: datetime.date | None = None
    batch_details: list[BaiDetail] = field(default_factory=list)


def read_lockbox_bai(content: bytes) -> list[BaiDetail]:
    """The checks of a BAI lockbox transmission, or ServiceError naming every fault."""
    lines = [line.rstrip("\r\n") for line in text_of(content).splitlines()]
    errors: list[str] = []
    details: list[BaiDetail] = []
    state = _Open()
    seen: set[str] = set()
    records = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        records += 1
        kind = line[0]
        if "9" in seen:
            errors.append(f"line {number}: a record after the transmission trailer (type 9)")
            continue
        if not seen and kind != "1":
            errors.append(f"line {number}: the file does not begin with a header record (type 1)")
        if kind == "1":
            if "1" in seen:
                errors.append(f"line {number}: a second header record")
            elif _yymmdd(_cut(line, 24, 29)) is None:
                errors.append(f"line {number}: the transmission date (columns 24-29) is not YYMMDD")
        elif kind == "2":
            pass  # the service record only names the parties
        elif kind == "5":
            _lockbox_header(number, line, state, errors)
        elif kind == "6":
            detail = _detail(number, line, state, errors)
            if detail is not None:
                details.append(detail)
                state.batch_details.append(detail)
                state.lockbox_details.append(detail)
        elif kind == "4":
            _overflow(number, line, state, errors)
        elif kind == "7":
            _batch_total(number, line, state, errors)
        elif kind == "8":
            _lockbox_total(number, line, state, errors)
        elif kind == "9":
            said = _cut(line, 2, 7)
            if state.batch or state.lockbox:
                errors.append(
                    f"line {number}: the trailer comes before lockbox {state.lockbox} "
                    "has its totals (types 7 and 8)"
                )
            if not said.isdigit():
                errors.append(
                    f"line {number}: the trailer's record count (columns 2-7) is not a number"
                )
            elif int(said) != records:
                errors.append(
                    f"line {number}: the trailer says {int(said)} records but the "
                    f"transmission holds {records}"
                )
        else:
            errors.append(f"line {number}: “{kind}” is not a record type (1, 2, 4-9)")
            continue
        seen.add(kind)
    if "9" not in seen and not errors:
        errors.append("the file has no transmission trailer (type 9): is it complete?")
    refuse(errors)
    return details


def _lockbox_header(number, line, state: _Open, errors) -> None:
    lockbox, batch = _cut(line, 5, 11), _cut(line, 2, 4)
    deposit_date = _yymmdd(_cut(line, 12, 17))
    if state.batch:
        errors.append(
            f"line {number}: batch {state.batch} (line {state.batch_line}) has no "
            "batch total (type 7)"
        )
    if state.lockbox and lockbox != state.lockbox:
        errors.append(
            f"line {number}: lockbox {state.lockbox} (line {state.lockbox_line}) has "
            "no lockbox total (type 8)"
        )
    if not lockbox or not batch.isdigit():
        errors.append(
            f"line {number}: the lockbox number (columns 5-11) or the batch number "
            "(columns 2-4) is missing"
        )
    if deposit_date is None:
        errors.append(f"line {number}: the deposit date (columns 12-17) is not YYMMDD")
    if lockbox != state.lockbox:
        state.lockbox, state.lockbox_line, state.lockbox_details = lockbox, number, []
    state.batch, state.batch_line, state.batch_details = batch, number, []
    state.deposit_date = deposit_date


def _detail(number, line, state: _Open, errors) -> BaiDetail | None:
    batch, item = _cut(line, 2, 4), _cut(line, 5, 7)
    if not state.batch:
        errors.append(f"line {number}: a detail record outside a batch (no type 5 before it)")
        return None
    if batch != state.batch:
        errors.append(
            f"line {number}: the detail's batch {batch} is not the open batch {state.batch}"
        )
        return None
    if not item.isdigit():
        errors.append(f"line {number}: the item number (columns 5-7) is not a number")
        return None
    amount = _lockbox_amount(_cut(line, 8, 17))
    if amount is None:
        errors.append(f"line {number}: the check amount (columns 8-17) is not an amount")
        return None
    if state.deposit_date is None:
        return None  # its batch header's date was refused already
    detail = BaiDetail(
        line_number=number,
        lockbox=state.lockbox,
        batch=batch,
        item=str(int(item)),
        deposit_date=state.deposit_date,
        amount=amount,
        remitter_routing=_cut(line, 18, 26),
        remitter_account=_cut(line, 27, 36),
        check_number=_cut(line, 37, 46),
    )
    _invoice(detail, _cut(line, 47, 62), _cut(line, 63, 72))
    return detail


def _invoice(detail: BaiDetail, invoice: str, amount_text: str) -> None:
    if invoice:
        detail.invoices.append((invoice, _lockbox_amount(amount_text) if amount_text else None))


def _overflow(number, line, state: _Open, errors) -> None:
    batch, item = _cut(line, 2, 4), _cut(line, 5, 7)
    detail = state.batch_details[-1] if state.batch_details else None
    if (
        detail is None
        or batch != detail.batch
        or not item.isdigit()
        or str(int(item)) != (detail.item)
    ):
        errors.append(
            f"line {number}: an overflow record (type 4) for batch {batch} item "
            f"{item}, which is not the detail record just before it"
        )
        return
    sequence, last = _cut(line, 9, 10), _cut(line, 11, 11)
    if _cut(line, 8, 8) != "6":
        errors.append(f"line {number}: the overflowed record type (column 8) is not 6")
    if detail.overflow_closed:
        errors.append(f"line {number}: an overflow record after the one marked last (9)")
    if not sequence.isdigit() or int(sequence) != detail.last_overflow + 1:
        errors.append(
            f"line {number}: the overflow sequence “{sequence}” (columns 9-10) "
            f"should be {detail.last_overflow + 1:02d}"
        )
    # the next sequence follows the one read, so one slip is reported once
    detail.last_overflow = int(sequence) if sequence.isdigit() else detail.last_overflow + 1
    detail.overflow_closed = last == "9"
    _invoice(detail, _cut(line, 12, 27), _cut(line, 28, 37))
    _invoice(detail, _cut(line, 38, 53), _cut(line, 54, 63))


def _batch_total(number, line, state: _Open, errors) -> None:
    batch, lockbox = _cut(line, 2, 4), _cut(line, 8, 14)
    if not state.batch or batch != state.batch or lockbox != state.lockbox:
        errors.append(
            f"line {number}: a batch total for batch {batch} of lockbox {lockbox}, "
            f"which is not the open batch ({state.batch or 'none'})"
        )
        return
    errors += _totals(
        number,
        line,
        state.batch_details,
        count=(21, 23),
        total=(24, 33),
        where=f"the batch total of batch {batch}",
    )
    state.batch, state.batch_details = "", []


def _lockbox_total(number, line, state: _Open, errors) -> None:
    lockbox = _cut(line, 8, 14)
    if state.batch:
        errors.append(
            f"line {number}: batch {state.batch} (line {state.batch_line}) has no "
            "batch total (type 7)"
        )
        state.batch = ""
    if not state.lockbox or lockbox != state.lockbox:
        errors.append(
            f"line {number}: a lockbox total for lockbox {lockbox}, which is not "
            f"the open lockbox ({state.lockbox or 'none'})"
        )
        return
    errors += _totals(
        number,
        line,
        state.lockbox_details,
        count=(21, 24),
        total=(25, 34),
        where=f"the lockbox total of lockbox {lockbox}",
    )
    state.lockbox, state.lockbox_details = "", []


def _totals(number, line, details, *, count, total, where) -> list[str]:
    count_text, total_text = _cut(line, *count), _cut(line, *total)
    amount = ZERO if total_text.strip("0") == "" and total_text else _lockbox_amount(total_text)
    if not count_text.isdigit() or amount is None:
        return [
            f"line {number}: {where}'s count (columns {count[0]}-{count[1]}) or total "
            f"(columns {total[0]}-{total[1]}) is not a number"
        ]
    return check_trailer(
        details, count=int(count_text), total=amount, where=f"{where} (line {number})"
    )


def parse_lockbox_bai(content: bytes) -> ParsedFile:
    """The transmission as the import service's items: one check each, to the account its
    remittance names."""
    details = read_lockbox_bai(content)
    if not details:
        raise ServiceError("The file holds no payments.", code="empty")
    items, notes = [], []
    for detail in details:
        accounts = list(dict.fromkeys(invoice for invoice, _ in detail.invoices))
        if len(accounts) > 1:
            notes.append(
                f"line {detail.line_number}: check {detail.check_number} names "
                f"{len(accounts)} accounts ({', '.join(accounts)}): left for a CSR"
            )
        items.append(
            ParsedItem(
                line_number=detail.line_number,
                external_id=(
                    f"lockbox:{detail.lockbox}:{detail.deposit_date.isoformat()}:"
                    f"{detail.batch}:{detail.item}"
                ),
                account_text=", ".join(accounts)[:200],
                amount=detail.amount,
                method="check",
                check_number=detail.check_number[:20],
                paid_on=detail.deposit_date,
            )
        )
    refuse(check_duplicates(items))
    return ParsedFile(
        file_format=LOCKBOX_BAI,
        items=items,
        control_count=len(items),
        control_total=sum((item.amount for item in items), ZERO),
        has_trailer=True,
        notes=notes,
    )
