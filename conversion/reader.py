"""Reading conversion files: encodings, CSV quoting, blank lines, and typed values.

UTF-8 (with or without a byte-order mark) is read as such; a file that is not valid UTF-8 is
read as Latin-1 (Windows exports), and the report says so. The csv module handles quoted
commas and quotes; blank lines are skipped; line numbers are the file's own (1 = header).
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from conversion.formats import BOOL, CODE, DATE, DECIMAL, INT, MONEY, TEXT, Column, FileFormat
from conversion.issues import Issues

BOM = b"\xef\xbb\xbf"
TRUE = frozenset({"y", "yes", "t", "true", "1"})
FALSE = frozenset({"n", "no", "f", "false", "0"})
CENT = Decimal("0.01")


@dataclass
class ParsedFile:
    """A file's rows as typed values: (line number, {column: value})."""

    format: FileFormat
    present: bool = False
    encoding: str = ""
    sha256: str = ""
    rows: list[tuple[int, dict]] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read with."""
    if raw.startswith(BOM):
        return raw[len(BOM) :].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1"


def parse_date(text: str) -> date:
    """YYYY-MM-DD or MM/DD/YYYY (ValueError otherwise)."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date.fromisoformat(text)
    month, day, year = text.split("/")
    if len(year) != 4:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def parse_money(text: str) -> Decimal:
    value = Decimal(text.replace(",", "").replace("$", ""))
    if not value.is_finite() or value != value.quantize(CENT):
        raise ValueError(text)
    return value.quantize(CENT)


def parse_decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(text)


_PARSERS = {
    INT: int,
    DECIMAL: parse_decimal,
    MONEY: parse_money,
    DATE: parse_date,
    BOOL: parse_bool,
}
_TYPE_WORDS = {
    INT: "a whole number",
    DECIMAL: "a number",
    MONEY: "an amount in dollars and cents (12.50)",
    DATE: "a date (YYYY-MM-DD or MM/DD/YYYY)",
    BOOL: "Y or N",
}


class Converter:
    """Turns a file's text cells into typed values, reporting what does not fit."""

    def __init__(self, mapping: dict[tuple[str, str], str], code_lists: dict[str, frozenset]):
        self.mapping = mapping  # (code list, old code upper-cased) -> our code
        self.code_lists = code_lists

    def value(self, column: Column, text: str, *, issues: Issues, file: str, line: int):
        if text == "":
            if column.required:
                issues.error(file, line, "required", f"{column.name} is required.")
            if column.default is not None:
                return column.default
            return "" if column.type == TEXT else None
        if column.type == TEXT:
            if column.max_length and len(text) > column.max_length:
                issues.error(
                    file,
                    line,
                    "too_long",
                    f"{column.name} is longer than {column.max_length} characters.",
                )
            return text
        if column.type == CODE:
            return self.code(column, text, issues=issues, file=file, line=line)
        try:
            return _PARSERS[column.type](text)
        except (ValueError, InvalidOperation, ArithmeticError):
            issues.error(
                file,
                line,
                f"type_{column.type}",
                f"{column.name} {text!r} is not {_TYPE_WORDS[column.type]}.",
            )
            return None

    def code(self, column: Column, text: str, *, issues: Issues, file: str, line: int):
        mapped = self.mapping.get((column.codes, text.upper()))
        value = mapped if mapped is not None else text.lower()
        if value in self.code_lists[column.codes]:
            return value
        issues.error(
            file,
            line,
            "unknown_code",
            f"{column.name} {text!r} is not a {column.codes} code, and mapping.csv does not "
            "translate it.",
        )
        return None


def read_file(
    directory: Path, file_format: FileFormat, converter: Converter | None, issues: Issues
) -> ParsedFile:
    """Read one file of the conversion directory (converter None: every value as text)."""
    parsed = ParsedFile(file_format)
    path = directory / file_format.name
    if not path.exists():
        if file_format.required:
            issues.error(file_format.name, 0, "missing_file", "The file is missing.")
        return parsed
    raw = path.read_bytes()
    parsed.present = True
    parsed.sha256 = hashlib.sha256(raw).hexdigest()
    text, parsed.encoding = decode(raw)
    if parsed.encoding == "Latin-1":
        issues.warning(
            file_format.name, 0, "encoding", "Not UTF-8: read as Latin-1 (Windows export)."
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader, file_format, issues)
    if header is None:
        return parsed
    positions = [(header.get(column.name), column) for column in file_format.columns]
    width = len(header)
    previous_end = reader.line_num
    name = file_format.name
    for cells in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if not cells or not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != width:
            issues.error(
                name,
                line,
                "column_count",
                f"The row has {len(cells)} values; the header names {width} columns.",
            )
            continue
        row = {}
        for position, column in positions:
            cell = cells[position].strip() if position is not None else ""
            if converter is None:
                row[column.name] = cell
            else:
                row[column.name] = converter.value(
                    column, cell, issues=issues, file=name, line=line
                )
        parsed.rows.append((line, row))
    return parsed


def _header(reader, file_format: FileFormat, issues: Issues) -> dict[str, int] | None:
    """{column name: position} from the header line, or None when it is unusable."""
    name = file_format.name
    for cells in reader:
        if cells and any(cell.strip() for cell in cells):
            break
    else:
        issues.error(name, 1, "header", "The file is empty: it needs a header line.")
        return None
    names = [cell.strip().lower() for cell in cells]
    header = {}
    for position, column in enumerate(names):
        if column in header:
            issues.error(name, reader.line_num, "header", f"Column {column} is named twice.")
        header[column] = position
    known = set(file_format.column_names)
    for column in file_format.columns:
        if column.required and column.name not in header:
            issues.error(
                name, reader.line_num, "header", f"The required column {column.name} is missing."
            )
    for column in names:
        if column not in known:
            issues.warning(name, reader.line_num, "unknown_column", f"Column {column} is ignored.")
    if any(issue.file == name and issue.rule == "header" for issue in issues.errors):
        return None
    return header
