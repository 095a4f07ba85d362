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
  state it, its 16 amounts alone); 98 = its 49s; 99 = its 98s. A file whose counts or totals disagree is refused with a Bai2Error naming
  the line, what the file states and what its records add up to.
"""

import datetime
from dataclasses import dataclass, field

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
from payments.bank.bai2_records import decode as _decode
from payments.bank.bai2_records import funds as _funds
from payments.bank.bai2_records import logical_records as _logical_records
from payments.bank.bai2_records import physical_records as _physical_records
from payments.bank.bai2_records import take as _take
from payments.bank.bai2_records import time as _time

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


def parse(content: bytes | str) -> Bai2File:
    """Parse a whole BAI2 file and check its structure, record counts and control totals."""
    records = _logical_records(_physical_records(_decode(content)))
    if not records:
        raise Bai2Error("The file is empty.")
    if records[0].code != "01":
        raise Bai2Error("a BAI2 file starts with an 01 file header.", line=records[0].line)
    header = records[0]
    values = header.fields()
    created = _take(values, 2)
    bai_file = Bai2File(
        sender=_take(values, 0),
        receiver=_take(values, 1),
        created_on=_date(created, line=header.line, what="file creation date"),
        created_time=_time(_take(values, 3), line=header.line, what="file creation time"),
        file_id=_take(values, 4),
        record_length=_count(_take(values, 5), line=header.line, what="physical record length"),
        block_size=_count(_take(values, 6), line=header.line, what="block size"),
        version=_take(values, 7),
    )
    # BTRS Version 3 (ANSI X9.121) keeps BAI2's records, fields, counts and control totals;
    # what it changes (more type codes, longer fields) reads the same, and the totals are checked.
    if bai_file.version not in ("2", "3"):
        if not bai_file.version:
            said = "the 01 file header gives no version number (field 9)"
        else:
            said = f"the file says it is version “{shown(bai_file.version)}”"
        raise Bai2Error(f"{said}; BAI version 2 and BTRS version 3 are read.", line=header.line)
    file_records = header.physical_count
    group: Group | None = None
    account: Account | None = None
    group_records = account_records = 0
    finished = False

    for record in records[1:]:
        line = record.line
        if finished:
            raise Bai2Error(
                f"a {RECORD_CODES[record.code]} comes after the 99 file trailer.", line=line
            )
        file_records += record.physical_count
        if group is not None:
            group_records += record.physical_count
        if account is not None:
            account_records += record.physical_count
        values = record.fields()

        if record.code == "01":
            raise Bai2Error("a second 01 file header.", line=line)
        if record.code == "02":
            if group is not None:
                raise Bai2Error(
                    f"an 02 group header before the 98 trailer of the group at line {group.line}.",
                    line=line,
                )
            group = Group(
                receiver=_take(values, 0),
                originator=_take(values, 1),
                status=_take(values, 2),
                as_of_date=_date(_take(values, 3), line=line, what="as-of date"),
                as_of_time=_time(_take(values, 4), line=line, what="as-of time"),
                currency=_take(values, 5).upper(),
                as_of_date_modifier=_take(values, 6),
                line=line,
            )
            group_records = record.physical_count
            bai_file.groups.append(group)
        elif record.code == "03":
            if group is None:
                raise Bai2Error("an 03 account identifier outside a group (no 02).", line=line)
            if account is not None:
                raise Bai2Error(
                    f"an 03 account identifier before the 49 trailer of account "
                    f"{account.number} (line {account.line}).",
                    line=line,
                )
            account = Account(
                number=_take(values, 0),
                currency=(_take(values, 1) or group.currency or "USD").upper(),
                summaries=_summaries(values[2:], line=line),
                line=line,
            )
            if not account.number:
                raise Bai2Error("the 03 account identifier has no account number.", line=line)
            account_records = record.physical_count
            group.accounts.append(account)
        elif record.code == "16":
            if account is None:
                raise Bai2Error(
                    "a 16 transaction detail comes before any 03 account identifier.", line=line
                )
            account.details.append(_detail(record, values))
        elif record.code == "49":
            if account is None:
                raise Bai2Error("a 49 account trailer with no 03 account before it.", line=line)
            stated = _amount(_take(values, 0), line=line, what="account control total") or 0
            count = _stated_count(values, 1, line=line, what="number of records", code="49")
            details_total = sum(d.amount or 0 for d in account.details)
            found = sum(s.amount or 0 for s in account.summaries) + details_total
            if stated != found and stated == details_total:
                # Some banks (SVB) leave the 03 summary amounts out of the account control
                # total: the 16 amounts still add up exactly, so the file is consistent.
                account.control_total_excludes_summaries = True
            elif stated != found:
                raise _mismatch(
                    line,
                    f"account {account.number} control total (49)",
                    dollars(stated),
                    dollars(found),
                )
            if count != account_records:
                raise _mismatch(
                    line,
                    f"account {account.number} number of records (49)",
                    count,
                    account_records,
                )
            account.control_total = stated
            account.record_count = count
            account = None
        elif record.code == "98":
            if group is None:
                raise Bai2Error("a 98 group trailer with no 02 group before it.", line=line)
            if account is not None:
                raise Bai2Error(
                    f"the 49 account trailer of account {account.number} "
                    f"(line {account.line}) is missing before the 98 group trailer.",
                    line=line,
                )
            stated = _amount(_take(values, 0), line=line, what="group control total") or 0
            accounts = _stated_count(values, 1, line=line, what="number of accounts", code="98")
            count = _stated_count(values, 2, line=line, what="number of records", code="98")
            found = sum(a.control_total for a in group.accounts)
            if stated != found:
                raise _mismatch(line, "group control total (98)", dollars(stated), dollars(found))
            if accounts != len(group.accounts):
                raise _mismatch(line, "number of accounts (98)", accounts, len(group.accounts))
            if count != group_records:
                raise _mismatch(line, "group number of records (98)", count, group_records)
            group.control_total, group.account_count, group.record_count = stated, accounts, count
            group = None
        elif record.code == "99":
            if account is not None or group is not None:
                missing = "49 account trailer" if account is not None else "98 group trailer"
                raise Bai2Error(f"the {missing} is missing before the 99 file trailer.", line=line)
            stated = _amount(_take(values, 0), line=line, what="file control total") or 0
            groups = _stated_count(values, 1, line=line, what="number of groups", code="99")
            count = _stated_count(values, 2, line=line, what="number of records", code="99")
            found = sum(g.control_total for g in bai_file.groups)
            if stated != found:
                raise _mismatch(line, "file control total (99)", dollars(stated), dollars(found))
            if groups != len(bai_file.groups):
                raise _mismatch(line, "number of groups (99)", groups, len(bai_file.groups))
            if count != file_records:
                raise _mismatch(line, "file number of records (99)", count, file_records)
            bai_file.control_total, bai_file.group_count = stated, groups
            bai_file.record_count = count
            finished = True
    if not finished:
        if account is not None:
            missing = f"the 49 account trailer of account {account.number} (line {account.line})"
        elif group is not None:
            missing = f"the 98 group trailer of the group at line {group.line}"
        else:
            missing = "the 99 file trailer"
        raise Bai2Error(f"The file ends early: {missing} is missing.")
    return bai_file


# -- writing ---------------------------------------------------------------------------------


def _funds_fields(funds: dict) -> list[str]:
    kind = (funds or {}).get("type", "")
    if kind in ("", "Z") and not funds:
        return [""]
    fields = [kind]
    if kind == "V":
        value_date = funds.get("value_date") or ""
        if value_date:
            value_date = datetime.date.fromisoformat(value_date).strftime("%y%m%d")
        fields += [value_date, funds.get("value_time") or ""]
    elif kind == "S":
        names = ("immediate", "one_day", "two_or_more_days")
        fields += [_amount_text(funds.get(name)) for name in names]
    elif kind == "D":
        distribution = funds.get("distribution") or []
        fields.append(str(len(distribution)))
        for days, amount in distribution:
            fields += [str(days), _amount_text(amount)]
    return fields


def _amount_text(amount: int | None) -> str:
    return "" if amount is None else str(amount)


def _split(code: str, body: str, *, limit: int | None, text_start: int | None) -> list[str]:
    """One logical record as physical records of at most `limit` characters (88s after the
    first). Non-text fields split at field boundaries (the part ends with "/"), text splits
    inside itself (the part ends without one, never on a space or slash)."""
    first = f"{code},{body}"
    if limit is None or len(first) <= limit:
        return [first]
    records: list[str] = []
    prefix = f"{code},"
    rest = body
    consumed = 0
    while rest:
        room = limit - len(prefix)
        if len(rest) <= room:
            records.append(prefix + rest)
            break
        in_text = text_start is not None and consumed + room > text_start
        if in_text and consumed >= text_start:
            # Text continues at a space, which the reader puts back between the parts.
            cut = next(
                (
                    index
                    for index in range(room, 0, -1)
                    if rest[index] == " " and rest[index - 1] not in " /"
                ),
                0,
            )
            if cut <= 0:
                raise ValueError(f"A word of the text is too long for {limit}-character records.")
            records.append(prefix + rest[:cut])
            cut += 1
        else:
            # Cut after a comma that fits (keeping room for the "/"), ending the part with "/".
            window = rest[:room]  # the comma becomes the "/"
            if in_text:
                window = rest[: min(room, text_start - consumed)]
            cut = window.rfind(",")
            if cut <= 0:
                raise ValueError(f"A field is too long for records of {limit} characters.")
            records.append(prefix + rest[:cut] + "/")
            cut += 1
        consumed += cut
        rest = rest[cut:]
        prefix = "88,"
    return records


def write(bai_file: Bai2File, *, record_length: int | None = None, pad: bool = False) -> str:
    """The file as text: counts and control totals worked out from the structure (the ones on
    it are ignored). With `record_length`, longer records continue in 88s; with `pad`, every
    record is padded with spaces to that length."""

    def physical(code: str, fields: list[str], *, text: str | None = None) -> list[str]:
        body = ",".join(fields)
        text_start = None
        if text is not None:
            body += "," if fields else ""
            text_start = len(body)
            body += text
        return _split(code, body + "/", limit=record_length, text_start=text_start)

    group_lines: list[str] = []
    file_total = 0
    for group in bai_file.groups:
        lines = physical(
            "02",
            [
                group.receiver,
                group.originator,
                group.status or "1",
                group.as_of_date.strftime("%y%m%d"),
                group.as_of_time,
                group.currency,
                group.as_of_date_modifier,
            ],
        )
        group_total = 0
        for account in group.accounts:
            summary_fields = []
            for summary in account.summaries:
                summary_fields += [
                    summary.type_code,
                    _amount_text(summary.amount),
                    "" if summary.item_count is None else str(summary.item_count),
                    *_funds_fields(summary.funds),
                ]
            account_lines = physical("03", [account.number, account.currency, *summary_fields])
            total = sum(s.amount or 0 for s in account.summaries)
            for detail in account.details:
                fields = [
                    detail.type_code,
                    _amount_text(detail.amount),
                    *_funds_fields(detail.funds),
                    detail.bank_reference,
                    detail.customer_reference,
                ]
                account_lines += physical("16", fields, text=detail.text.rstrip())
                total += detail.amount or 0
            account_lines += physical("49", [str(total), str(len(account_lines) + 1)])
            lines += account_lines
            group_total += total
        lines += physical("98", [str(group_total), str(len(group.accounts)), str(len(lines) + 1)])
        group_lines += lines
        file_total += group_total
    header = physical(
        "01",
        [
            bai_file.sender,
            bai_file.receiver,
            bai_file.created_on.strftime("%y%m%d"),
            bai_file.created_time,
            bai_file.file_id,
            "" if record_length is None else str(record_length),
            "" if bai_file.block_size is None else str(bai_file.block_size),
            "2",
        ],
    )
    count = len(header) + len(group_lines) + 1
    trailer = physical("99", [str(file_total), str(len(bai_file.groups)), str(count)])
    records = header + group_lines + trailer
    if pad and record_length:
        records = [record.ljust(record_length) for record in records]
    return "\n".join(records) + "\n"
