"""Reading BAI2 records: lines to physical records, logical records and their fields.

Private to payments.bank.bai2 (which re-exports Bai2Error, RECORD_CODES and FUNDS_TYPES); the
structure, the checks of counts and totals and the writer live there, the decoding of bytes
into lines in bai2_text. Records are read one at a time, as the lines come.
"""

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

RECORD_CODES = {
    "01": "01 file header",
    "02": "02 group header",
    "03": "03 account identifier",
    "16": "16 transaction detail",
    "49": "49 account trailer",
    "88": "88 continuation",
    "98": "98 group trailer",
    "99": "99 file trailer",
}
# Funds types and how many fields follow them ("D" is variable: a count, then pairs).
FUNDS_TYPES = {"": 0, "Z": 0, "0": 0, "1": 0, "2": 0, "V": 2, "S": 3, "D": None}

AMOUNT = re.compile(r"^[+-]?[0-9]+$")
TYPE_CODE = re.compile(r"^[0-9]{3}$")
# 10**17 cents is beyond any account; refusing longer numbers keeps int() and the database
# (bigint) safe from a damaged file.
MAX_AMOUNT_DIGITS = 17
MAX_COUNT_DIGITS = 9
# HHMM as the specification has it; HHMMSS, HH:MM and HH:MM:SS as some banks write it (NatWest's
# intraday files). Read as HHMM.
_TIME = re.compile(r"^([0-9]{2}):?([0-9]{2})(?::?[0-9]{2})?$")


class Bai2Error(ValueError):
    """The file breaks the BAI2 rules; the message names the line and what is wrong."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(f"Line {line}: {message}" if line else message)


def shown(text: str, limit: int = 20) -> str:
    """A piece of the file for a message: control characters written as \\xNN."""
    text = text[:limit].strip()
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _digits(text: str) -> bool:
    """ASCII digits only (str.isdigit also takes "³" and other digits int() refuses)."""
    return text.isascii() and text.isdigit()


def _long(text: str) -> str:
    return shown(text) + ("…" if len(text) > 20 else "")


@dataclass
class Physical:
    line: int
    code: str
    content: str  # after "NN,"


@dataclass
class Record:
    line: int
    code: str
    parts: list[str]
    physical_count: int = 1

    def fields(self) -> list[str]:
        """Join the record with its 88s and split it into fields (a 16's text not yet split)."""
        joined = ""
        for index, part in enumerate(self.parts):
            part = part.rstrip(" \r\n\t")
            if self.code == "16":
                terminated = part.endswith("/")
                if terminated:
                    part = part[:-1]
            else:
                slash = part.find("/")
                terminated = slash >= 0
                if terminated:
                    part = part[:slash]
            joined += part
            if index < len(self.parts) - 1:
                if self.code == "16" and _in_text(joined):
                    # A 16's text runs on into the 88 as the next line of text (whether the
                    # part ended with a slash or not); before the text, fields go on as in
                    # any record.
                    joined += "" if joined.endswith(",") else " "
                elif terminated:
                    joined += ","
        return joined.split(",")


def _in_text(joined: str) -> bool:
    """Whether a 16 record's data so far has reached its text field (the last field)."""
    fields = joined.split(",")
    kind = fields[2].strip().upper() if len(fields) > 2 else ""
    if kind == "D":
        count = fields[3].strip() if len(fields) > 3 else ""
        after_funds = 4 + 2 * int(count) if _digits(count) and len(count) < 4 else 4
    else:
        after_funds = 3 + (FUNDS_TYPES.get(kind) or 0)
    # type code, amount, funds, then the bank and customer references, then the text.
    return len(fields) - 1 >= after_funds + 2


def _record_length(first_line: str) -> int | None:
    """The physical record length an 01 header states (field 6), when it is a number."""
    if not first_line.startswith("01,"):
        return None
    header = first_line[: first_line.find("/")] if "/" in first_line else first_line[:200]
    header_fields = header.split(",")
    length = header_fields[6].strip() if len(header_fields) > 6 else ""
    return int(length) if _digits(length) and len(length) < 6 and int(length) > 0 else None


def _is_record_start(text: str) -> bool:
    return text[:2] in RECORD_CODES and (len(text) == 2 or text[2] == ",")


def _pieces(line: str, size: int | None) -> Iterable[str]:
    """A line holding several fixed-length records (unblocked, or a block of them) cut into
    its records, when every piece starts as a record does (or is padding); else the line."""
    if not size or len(line.rstrip()) <= size:
        return (line,)
    starts = range(0, len(line), size)
    if all(_is_record_start(line[s : s + size]) or not line[s : s + size].strip() for s in starts):
        return (line[start : start + size] for start in starts)
    return (line,)


def _physical(number: int, raw: str, *, first: bool) -> Physical:
    raw = raw.lstrip(" \t")
    if raw[:2] in RECORD_CODES and not _is_record_start(raw):
        raise Bai2Error(
            f"“{shown(raw)}”: the record code {raw[:2]} is followed by “{shown(raw[2])}” "
            f"where a comma belongs.",
            line=number,
        )
    if not _is_record_start(raw):
        hint = ""
        if not first:
            hint = " (a record that goes on to another line continues in an 88 record)"
        raise Bai2Error(
            f"“{shown(raw)}” is not a BAI2 record: a record starts with one of the codes "
            f"{', '.join(RECORD_CODES)} and a comma{hint}.",
            line=number,
        )
    return Physical(line=number, code=raw[:2], content=raw[3:])


def physical_records(lines: Iterable[str]) -> Iterator[Physical]:
    """The records of the lines, numbered as lines (a line cut into fixed-length records
    counts one line per record); blank lines are skipped but counted."""
    lines = iter(lines)
    first_line = next(lines, None)
    if first_line is None:
        return
    size = _record_length(first_line)
    number = 0
    first = True
    for line in chain([first_line], lines):
        for raw in _pieces(line, size):
            number += 1
            if raw.strip():
                yield _physical(number, raw, first=first)
                first = False


def logical_records(physical: Iterable[Physical]) -> Iterator[Record]:
    """Each record with its 88 continuations, given once the next record starts."""
    current: Record | None = None
    for record in physical:
        if record.code == "88":
            if current is None:
                raise Bai2Error("an 88 continuation comes before any record.", line=record.line)
            current.parts.append(record.content)
            current.physical_count += 1
            continue
        if current is not None:
            yield current
        current = Record(line=record.line, code=record.code, parts=[record.content])
    if current is not None:
        yield current


def amount(text: str, *, line: int, what: str, signed: bool = True) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not AMOUNT.match(text) or (not signed and text[0] in "+-"):
        raise Bai2Error(
            f"the {what} “{shown(text)}” is not an amount (BAI2 amounts are whole cents, digits "
            f"only{', with an optional sign' if signed else ''}).",
            line=line,
        )
    if len(text.lstrip("+-").lstrip("0")) > MAX_AMOUNT_DIGITS:
        raise Bai2Error(
            f"the {what} “{_long(text)}” is too large to be an amount "
            f"(more than {MAX_AMOUNT_DIGITS} digits).",
            line=line,
        )
    return int(text)


def count(text: str, *, line: int, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not _digits(text):
        raise Bai2Error(f"the {what} “{shown(text)}” is not a whole number.", line=line)
    if len(text.lstrip("0")) > MAX_COUNT_DIGITS:
        raise Bai2Error(f"the {what} “{_long(text)}” is too large.", line=line)
    return int(text)


def date(text: str, *, line: int, what: str) -> datetime.date:
    text = text.strip()
    try:
        if len(text) != 6 or not _digits(text):
            raise ValueError
        year = int(text[:2])
        year += 2000 if year < 80 else 1900
        return datetime.date(year, int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise Bai2Error(f"the {what} “{shown(text)}” is not a date (YYMMDD).", line=line) from None


def time(text: str, *, line: int, what: str) -> str:
    """HHMM ("" when not given); HHMMSS, HH:MM and HH:MM:SS are read as their HHMM."""
    text = text.strip()
    if not text:
        return ""
    matched = _TIME.match(text) if text.isascii() else None
    if not matched:
        raise Bai2Error(f"the {what} “{shown(text)}” is not a time (HHMM).", line=line)
    return matched.group(1) + matched.group(2)


def take(fields: list[str], index: int) -> str:
    return fields[index].strip() if index < len(fields) else ""


def funds(fields: list[str], start: int, *, line: int) -> tuple[dict, int]:
    """Read a funds type and its availability fields from `start`; returns (funds, next)."""
    kind = take(fields, start).upper()
    if kind not in FUNDS_TYPES:
        raise Bai2Error(f"“{shown(kind)}” is not a funds type (Z, 0, 1, 2, V, S or D).", line=line)
    position = start + 1
    result: dict = {"type": kind or "Z"}
    if kind == "V":
        value_date = take(fields, position)
        result["value_date"] = (
            date(value_date, line=line, what="value date").isoformat() if value_date else ""
        )
        result["value_time"] = time(take(fields, position + 1), line=line, what="value time")
        position += 2
    elif kind == "S":
        for offset, name in enumerate(("immediate", "one_day", "two_or_more_days")):
            result[name] = amount(take(fields, position + offset), line=line, what=name)
        position += 3
    elif kind == "D":
        pairs = count(take(fields, position), line=line, what="number of distributions") or 0
        position += 1
        if 2 * pairs > len(fields) - position:
            raise Bai2Error(
                f"the funds type D announces {pairs} distributions (pairs of days and amount) "
                f"but the record has only {max(len(fields) - position, 0)} fields after it.",
                line=line,
            )
        distribution = []
        for _ in range(pairs):
            days = count(take(fields, position), line=line, what="availability days")
            distributed = amount(take(fields, position + 1), line=line, what="distributed amount")
            distribution.append([days, distributed])
            position += 2
        result["distribution"] = distribution
    return result, position
