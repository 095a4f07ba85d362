"""BAI2 (Cash Management Balance Reporting, version 2) prior-day files: a parser and a writer.

Pure Python, no Django models. Amounts stay integers of cents, as the file states them.

Reading rules (docs/bai2.md has the long form):
- Records are `NN,field,field,.../`. A slash ends a record; what follows it (padding to the
  physical record length) is ignored, except in a 16 record, whose last field (text) runs to the
  end of the record and may itself contain commas and slashes (only one trailing slash is cut).
- An 88 record continues the record before it. If the part before ended with a slash, the 88
  starts a new field; if not, the field in progress continues in the 88 (join, then split).
  Once a 16 record's text has started, it runs on into the 88 with a space between the parts,
  whether the part before ended with a slash or not.
- Physical records end at a line break (LF, CRLF or CR), or at the physical record length the
  01 states when a line holds several records (unblocked or blocked files). Blank lines, a DOS
  end-of-file mark, NUL padding and a byte order mark are ignored; UTF-16 and Windows-1252
  text is read. bai2_records.py has these reading rules.
- Record counts: a 49 counts its account's records from the 03 to the 49, 88s included; a 98
  its group's from the 02 to the 98; a 99 the file's from the 01 to the 99.
- Control totals: 49 = the account's 03 summary amounts + its 16 amounts (or, as some banks
  state it, its 16 amounts alone); 98 = its 49s; 99 = its 98s. A file whose counts or totals
  disagree is refused with a Bai2Error naming the line, what the file states and what its
  records add up to.
- Streaming: `read` checks the records one at a time as the bytes are decoded (bai2_text),
  keeping running counts and totals only, and yields the structure piece by piece; `parse`
  gathers the pieces into one Bai2File. A file is refused at its first fault in reading order.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from payments.bank import bai2_text
from payments.bank.bai2_records import (
    FUNDS_TYPES,
    RECORD_CODES,
    TYPE_CODE,
    Bai2Error,
    Record,
    shown,
)
from payments.bank.bai2_records import amount as _amount
from payments.bank.bai2_records import count as _count
from payments.bank.bai2_records import date as _date
from payments.bank.bai2_records import funds as _funds
from payments.bank.bai2_records import logical_records as _logical_records
from payments.bank.bai2_records import physical_records as _physical_records
from payments.bank.bai2_records import take as _take
from payments.bank.bai2_records import time as _time
from payments.bank.bai2_write import write

__all__ = [
    "FUNDS_TYPES",
    "RECORD_CODES",
    "Account",
    "Bai2Error",
    "Bai2File",
    "Detail",
    "Group",
    "Summary",
    "direction",
    "dollars",
    "parse",
    "read",
    "write",
]


# -- the structure ---------------------------------------------------------------------------


@dataclass
class Summary:
    """One summary (status or activity) of an 03 record: amounts in cents, None when blank."""

    type_code: str
    amount: int | None = None
    item_count: int | None = None
    funds: dict = field(default_factory=dict)


@dataclass
class Detail:
    """A 16 transaction detail (with its 88 continuations joined)."""

    type_code: str
    amount: int | None = None  # cents
    funds: dict = field(default_factory=dict)
    bank_reference: str = ""
    customer_reference: str = ""
    text: str = ""
    line: int = 0  # where the 16 record starts in the file


@dataclass
class Account:
    number: str
    currency: str = ""
    summaries: list[Summary] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)
    control_total: int = 0  # cents, as the 49 states it
    record_count: int = 0
    line: int = 0
    # The 49 states the 16 amounts alone (a bank convention), not the 03 summaries + the 16s.
    control_total_excludes_summaries: bool = False


@dataclass
class Group:
    receiver: str
    originator: str
    as_of_date: datetime.date
    status: str = "1"
    as_of_time: str = ""
    currency: str = ""
    as_of_date_modifier: str = ""
    accounts: list[Account] = field(default_factory=list)
    control_total: int = 0
    account_count: int = 0
    record_count: int = 0
    line: int = 0


@dataclass
class Bai2File:
    sender: str
    receiver: str
    created_on: datetime.date
    created_time: str = ""
    file_id: str = ""
    record_length: int | None = None
    block_size: int | None = None
    version: str = "2"
    groups: list[Group] = field(default_factory=list)
    control_total: int = 0
    group_count: int = 0
    record_count: int = 0


def direction(type_code: str) -> str:
    """credit, debit or other, by the BAI2 type code ranges: 100-399 credits, 400-699 debits,
    and the bank-defined custom ranges 930-959 (credits) and 960-999 (debits); status codes
    (0xx), loan codes (7xx), 8xx and 900-929 are neither."""
    number = int(type_code)
    if 100 <= number <= 399 or 930 <= number <= 959:
        return "credit"
    if 400 <= number <= 699 or 960 <= number <= 999:
        return "debit"
    return "other"


def dollars(cents: int | None) -> str:
    """12345 -> "123.45" (for messages)."""
    cents = cents or 0
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


# -- reading ---------------------------------------------------------------------------------


def _summaries(fields: list[str], *, line: int) -> list[Summary]:
    summaries = []
    position = 0
    while position < len(fields):
        type_code = fields[position].strip()
        if not type_code:
            # An empty field where a type code belongs: the slash's defaulted field before a
            # continuation ("...,,,/" then "88,040,...") or the record's end.
            position += 1
            continue
        if not TYPE_CODE.match(type_code):
            raise Bai2Error(f"“{shown(type_code)}” is not a type code (3 digits).", line=line)
        amount = _amount(_take(fields, position + 1), line=line, what=f"{type_code} amount")
        item_count = _count(_take(fields, position + 2), line=line, what="item count")
        funds, position = _funds(fields, position + 3, line=line)
        summaries.append(
            Summary(type_code=type_code, amount=amount, item_count=item_count, funds=funds)
        )
    return summaries


def _detail(record: Record, fields: list[str]) -> Detail:
    line = record.line
    type_code = _take(fields, 0)
    if not type_code:
        raise Bai2Error(
            "the 16 transaction detail has no type code (its first field is empty).", line=line
        )
    if not TYPE_CODE.match(type_code):
        raise Bai2Error(f"“{shown(type_code)}” is not a type code (3 digits).", line=line)
    amount = _amount(_take(fields, 1), line=line, what=f"{type_code} amount")
    funds, position = _funds(fields, 2, line=line)
    text = ",".join(fields[position + 2 :]).rstrip()
    return Detail(
        type_code=type_code,
        amount=amount,
        funds=funds,
        bank_reference=_take(fields, position),
        customer_reference=_take(fields, position + 1),
        text=text,
        line=line,
    )


def _stated_count(values: list[str], index: int, *, line: int, what: str, code: str) -> int:
    """A count a trailer must state (the specification makes it mandatory)."""
    stated = _count(_take(values, index), line=line, what=what)
    if stated is None:
        raise Bai2Error(f"the {RECORD_CODES[code]} gives no {what}.", line=line)
    return stated


def _mismatch(line: int, what: str, stated, found) -> Bai2Error:
    return Bai2Error(
        f"{what}: the file states {stated} but its records add up to {found}.", line=line
    )


def _file_header(header: Record) -> Bai2File:
    values = header.fields()
    line = header.line
    bai_file = Bai2File(
        sender=_take(values, 0),
        receiver=_take(values, 1),
        created_on=_date(_take(values, 2), line=line, what="file creation date"),
        created_time=_time(_take(values, 3), line=line, what="file creation time"),
        file_id=_take(values, 4),
        record_length=_count(_take(values, 5), line=line, what="physical record length"),
        block_size=_count(_take(values, 6), line=line, what="block size"),
        version=_take(values, 7),
    )
    # BTRS Version 3 (ANSI X9.121) keeps BAI2's records, fields, counts and control totals;
    # what it changes (more type codes, longer fields) reads the same, and the totals are checked.
    if bai_file.version not in ("2", "3"):
        if not bai_file.version:
            said = "the 01 file header gives no version number (field 9)"
        else:
            said = f"the file says it is version “{shown(bai_file.version)}”"
        raise Bai2Error(f"{said}; BAI version 2 and BTRS version 3 are read.", line=line)
    return bai_file


class _Reader:
    """Checks the records after the 01 one at a time, with running counts and totals: what
    the trailers are checked against, so no account's lines need to be kept."""

    def __init__(self, header: Record):
        self.file = _file_header(header)
        self.group: Group | None = None
        self.account: Account | None = None
        self.finished = False
        self.file_records = header.physical_count
        self.group_records = self.account_records = 0
        self.summaries_total = self.details_total = 0  # the open account's
        self.accounts_total = self.account_count = 0  # the open group's
        self.groups_total = self.group_count = 0

    def read(self, record: Record) -> tuple[str, object]:
        """(the record's code, the piece of structure it opens, adds to or closes)."""
        if self.finished:
            raise Bai2Error(
                f"a {RECORD_CODES[record.code]} comes after the 99 file trailer.", line=record.line
            )
        self.file_records += record.physical_count
        self.group_records += record.physical_count
        self.account_records += record.physical_count
        if record.code == "01":
            raise Bai2Error("a second 01 file header.", line=record.line)
        return record.code, self._READERS[record.code](self, record, record.fields())

    def _group_header(self, record: Record, values: list[str]) -> Group:
        line = record.line
        if self.group is not None:
            raise Bai2Error(
                f"an 02 group header before the 98 trailer of the group at line {self.group.line}.",
                line=line,
            )
        self.group = Group(
            receiver=_take(values, 0),
            originator=_take(values, 1),
            status=_take(values, 2),
            as_of_date=_date(_take(values, 3), line=line, what="as-of date"),
            as_of_time=_time(_take(values, 4), line=line, what="as-of time"),
            currency=_take(values, 5).upper(),
            as_of_date_modifier=_take(values, 6),
            line=line,
        )
        self.group_records = record.physical_count
        self.accounts_total = self.account_count = 0
        return self.group

    def _account_header(self, record: Record, values: list[str]) -> Account:
        line = record.line
        if self.group is None:
            raise Bai2Error("an 03 account identifier outside a group (no 02).", line=line)
        if self.account is not None:
            raise Bai2Error(
                f"an 03 account identifier before the 49 trailer of account "
                f"{self.account.number} (line {self.account.line}).",
                line=line,
            )
        account = Account(
            number=_take(values, 0),
            currency=(_take(values, 1) or self.group.currency or "USD").upper(),
            summaries=_summaries(values[2:], line=line),
            line=line,
        )
        if not account.number:
            raise Bai2Error("the 03 account identifier has no account number.", line=line)
        self.account = account
        self.account_records = record.physical_count
        self.summaries_total = sum(s.amount or 0 for s in account.summaries)
        self.details_total = 0
        return account

    def _transaction(self, record: Record, values: list[str]) -> Detail:
        if self.account is None:
            raise Bai2Error(
                "a 16 transaction detail comes before any 03 account identifier.", line=record.line
            )
        detail = _detail(record, values)
        self.details_total += detail.amount or 0
        return detail

    def _account_trailer(self, record: Record, values: list[str]) -> Account:
        line, account = record.line, self.account
        if account is None:
            raise Bai2Error("a 49 account trailer with no 03 account before it.", line=line)
        stated = _amount(_take(values, 0), line=line, what="account control total") or 0
        count = _stated_count(values, 1, line=line, what="number of records", code="49")
        found = self.summaries_total + self.details_total
        if stated != found and stated == self.details_total:
            # Some banks (SVB) leave the 03 summary amounts out of the account control
            # total: the 16 amounts still add up exactly, so the file is consistent.
            account.control_total_excludes_summaries = True
        elif stated != found:
            what = f"account {account.number} control total (49)"
            raise _mismatch(line, what, dollars(stated), dollars(found))
        if count != self.account_records:
            what = f"account {account.number} number of records (49)"
            raise _mismatch(line, what, count, self.account_records)
        account.control_total, account.record_count = stated, count
        self.accounts_total += stated
        self.account_count += 1
        self.account = None
        return account

    def _group_trailer(self, record: Record, values: list[str]) -> Group:
        line, group = record.line, self.group
        if group is None:
            raise Bai2Error("a 98 group trailer with no 02 group before it.", line=line)
        if self.account is not None:
            raise Bai2Error(
                f"the 49 account trailer of account {self.account.number} "
                f"(line {self.account.line}) is missing before the 98 group trailer.",
                line=line,
            )
        stated = _amount(_take(values, 0), line=line, what="group control total") or 0
        accounts = _stated_count(values, 1, line=line, what="number of accounts", code="98")
        count = _stated_count(values, 2, line=line, what="number of records", code="98")
        if stated != self.accounts_total:
            raise _mismatch(
                line, "group control total (98)", dollars(stated), dollars(self.accounts_total)
            )
        if accounts != self.account_count:
            raise _mismatch(line, "number of accounts (98)", accounts, self.account_count)
        if count != self.group_records:
            raise _mismatch(line, "group number of records (98)", count, self.group_records)
        group.control_total, group.account_count, group.record_count = stated, accounts, count
        self.groups_total += stated
        self.group_count += 1
        self.group = None
        return group

    def _file_trailer(self, record: Record, values: list[str]) -> Bai2File:
        line = record.line
        if self.account is not None or self.group is not None:
            missing = "49 account trailer" if self.account is not None else "98 group trailer"
            raise Bai2Error(f"the {missing} is missing before the 99 file trailer.", line=line)
        stated = _amount(_take(values, 0), line=line, what="file control total") or 0
        groups = _stated_count(values, 1, line=line, what="number of groups", code="99")
        count = _stated_count(values, 2, line=line, what="number of records", code="99")
        if stated != self.groups_total:
            raise _mismatch(
                line, "file control total (99)", dollars(stated), dollars(self.groups_total)
            )
        if groups != self.group_count:
            raise _mismatch(line, "number of groups (99)", groups, self.group_count)
        if count != self.file_records:
            raise _mismatch(line, "file number of records (99)", count, self.file_records)
        self.file.control_total, self.file.group_count = stated, groups
        self.file.record_count = count
        self.finished = True
        return self.file

    _READERS = {
        "02": _group_header,
        "03": _account_header,
        "16": _transaction,
        "49": _account_trailer,
        "98": _group_trailer,
        "99": _file_trailer,
    }

    def end(self) -> None:
        if self.finished:
            return
        if self.account is not None:
            missing = (
                f"the 49 account trailer of account {self.account.number} "
                f"(line {self.account.line})"
            )
        elif self.group is not None:
            missing = f"the 98 group trailer of the group at line {self.group.line}"
        else:
            missing = "the 99 file trailer"
        raise Bai2Error(f"The file ends early: {missing} is missing.")


def read(content: bai2_text.Source) -> Iterator[tuple[str, object]]:
    """Read and check a BAI2 file record by record, yielding (code, piece) as it goes:
    ("01", Bai2File) with the header's fields, ("02", Group), ("03", Account) with its
    summaries, ("16", Detail), then ("49", Account), ("98", Group) and ("99", Bai2File) once
    their trailers are checked (counts and totals set). The pieces' lists (groups, accounts,
    details) stay empty: `parse` fills them. A Bai2Error stops the iteration where the file
    breaks a rule; a file is whole only when the iteration ends without one.

    `content` is bytes, a memoryview, text or a seekable binary file, read a piece at a time.
    """
    records = _logical_records(_physical_records(bai2_text.lines(content)))
    header = next(records, None)
    if header is None:
        raise Bai2Error("The file is empty.")
    if header.code != "01":
        raise Bai2Error("a BAI2 file starts with an 01 file header.", line=header.line)
    reader = _Reader(header)
    yield "01", reader.file
    for record in records:
        yield reader.read(record)
    reader.end()


def parse(content: bai2_text.Source) -> Bai2File:
    """Parse a whole BAI2 file and check its structure, record counts and control totals."""
    bai_file = group = account = None
    for code, piece in read(content):
        if code == "01":
            bai_file = piece
        elif code == "02":
            group = piece
            bai_file.groups.append(group)
        elif code == "03":
            account = piece
            group.accounts.append(account)
        elif code == "16":
            account.details.append(piece)
    return bai_file
