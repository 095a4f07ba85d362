"""Read files from handhelds and AMI head-ends, loaded all or nothing (docs/read-import.md).

Every row is checked before anything is written; any bad row refuses the whole file, listing
each bad row by its line number and reason. A file is known by its SHA-256: the same file
loaded twice is refused with the date it was first loaded.
"""

import csv
import datetime
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from billing.models import ReadImport
from billing.reads.context import (
    FLAG_LABELS,
    READ_POLICIES,
    PastRead,
    assess,
    check_can_record,
    read_contexts,
)
from billing.reads.selectors import saved_flags
from billing.reads.services import note_with
from district.errors import ServiceError, require
from district.policies import policy_values
from district.roles import Perm
from field_ops.models import Meter, MeterRead
from field_ops.readings import reading_parse
from field_ops.services.reads import read_record

REQUIRED_COLUMNS = ("meter_serial", "read_date", "reading", "source")
OPTIONAL_COLUMNS = ("note",)
SOURCES = {"handheld": MeterRead.Source.ROUTE, "ami": MeterRead.Source.AMI}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ROWS = 50_000
NOTE_LENGTH = 200


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


class ReadImportRejected(ServiceError):
    """The file was refused; `row_errors` lists every bad row. Nothing was written."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = sorted(row_errors, key=lambda error: error.line)
        super().__init__([str(error) for error in self.row_errors])


@dataclass(frozen=True)
class _Row:
    line: int
    serial: str
    read_on: datetime.date
    reading_text: str
    source: str
    note: str
    meter: Meter | None = None


def _fail(message: str):
    raise ReadImportRejected([RowError(0, message)])


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail("The file is not UTF-8 text: save it as “CSV UTF-8” and load it again.")


def _header(reader) -> list[str]:
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        _fail("The file is empty: the first line must name the columns.")
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    unknown = [name for name in names if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown {', '.join(name or '(blank)' for name in unknown)}")
    if repeated:
        problems.append(f"repeated {', '.join(repeated)}")
    if problems:
        _fail(
            "Line 1 (the header) must name the columns meter_serial, read_date, reading, "
            f"source and optionally note: {'; '.join(problems)}."
        )
    return names


def _parse_row(line: int, cells: dict[str, str], errors: list[RowError]) -> _Row | None:
    serial = cells["meter_serial"]
    reasons = []
    if not serial:
        reasons.append("the meter serial is missing")
    read_on = None
    date_text = cells["read_date"]
    try:
        if not ISO_DATE.match(date_text):
            raise ValueError
        read_on = datetime.date.fromisoformat(date_text)
    except ValueError:
        reasons.append(f"“{date_text}” is not a date written YYYY-MM-DD")
    reading_text = cells["reading"]
    if not reading_text:
        reasons.append("the reading is missing")
    source = SOURCES.get(cells["source"].lower())
    if source is None:
        reasons.append(f"the source “{cells['source']}” is not handheld or ami")
    note = cells.get("note", "")
    if len(note) > NOTE_LENGTH:
        reasons.append(f"the note is longer than {NOTE_LENGTH} characters")
    if reasons:
        errors.append(RowError(line, f"{serial or 'no serial'}: {'; '.join(reasons)}."))
        return None
    return _Row(line, serial, read_on, reading_text, source, note)


def _rows(text: str) -> tuple[list[_Row], list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names = _header(reader)
        rows, errors = [], []
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(names):
                errors.append(
                    RowError(line, f"{len(cells)} values where the header names {len(names)}.")
                )
                continue
            row = _parse_row(
                line, {name: cell.strip() for name, cell in zip(names, cells, strict=True)}, errors
            )
            if row is not None:
                rows.append(row)
            if len(rows) + len(errors) > MAX_ROWS:
                _fail(f"The file has more than {MAX_ROWS:,} reads: split it and load each part.")
    except csv.Error as error:
        _fail(f"Line {reader.line_num}: the file is not valid CSV ({error}).")
    if not rows and not errors:
        _fail("The file has no reads below its header.")
    return rows, errors


def _with_meters(rows: list[_Row], errors: list[RowError]) -> list[_Row]:
    """Rows with their meter (serials in any case), in pk order of the locked meters."""
    serials = {row.serial.upper() for row in rows}
    meters = {
        meter.serial_upper: meter
        for meter in Meter.objects.annotate(serial_upper=Upper("serial"))
        .filter(serial_upper__in=serials)
        .order_by("pk")
        .select_for_update(of=("self",))
    }
    found = []
    for row in rows:
        meter = meters.get(row.serial.upper())
        if meter is None:
            errors.append(RowError(row.line, f"{row.serial}: no meter has this serial."))
        else:
            found.append(replace(row, meter=meter))
    return found


def _described(row: _Row) -> str:
    return f"{row.serial} on {row.read_on:%m/%d/%Y}, reading “{row.reading_text}”"


def _check(rows: list[_Row], errors: list[RowError]) -> list[tuple[_Row, object, object]]:
    """(row, context, assessment) for the good rows; the bad ones go to `errors`."""
    seen: dict[tuple[int, datetime.date], int] = {}
    unique = []
    for row in rows:
        key = (row.meter.pk, row.read_on)
        if key in seen:
            errors.append(
                RowError(
                    row.line,
                    f"{row.serial}: a second read on {row.read_on:%m/%d/%Y} "
                    f"(the first is on line {seen[key]}).",
                )
            )
            continue
        seen[key] = row.line
        unique.append(row)
    contexts = read_contexts([(row.meter, row.read_on) for row in unique])
    policies = policy_values(*READ_POLICIES)
    checked = []
    # A meter's rows in date order: each earlier row is history for the next.
    earlier_in_file: dict[int, list[PastRead]] = {}
    for row in sorted(unique, key=lambda row: (row.meter.pk, row.read_on)):
        ctx = contexts[(row.meter.pk, row.read_on)]
        ctx.history = ctx.history + earlier_in_file.get(row.meter.pk, [])
        try:
            reading = reading_parse(row.reading_text, meter=row.meter)
            check_can_record(ctx)
            assessment = assess(ctx, reading, policies)
        except ValidationError as error:
            errors.append(RowError(row.line, f"{_described(row)}: {' '.join(error.messages)}"))
            continue
        earlier_in_file.setdefault(row.meter.pk, []).append(
            PastRead(0, row.read_on, reading, row.source, assessment.flags)
        )
        checked.append((replace(row, reading_text=str(reading)), ctx, assessment))
    return checked


def _refuse_known_file(sha256: str) -> None:
    earlier = ReadImport.objects.filter(sha256=sha256).select_related("imported_by").first()
    if earlier is None:
        return
    who = earlier.imported_by.get_username() if earlier.imported_by else "the system"
    when = timezone.localtime(earlier.imported_at)
    raise ServiceError(
        f"This file was already loaded on {when:%m/%d/%Y at %I:%M %p} by {who} "
        f"({earlier.row_count} read{'' if earlier.row_count == 1 else 's'}, as "
        f"{earlier.file_name}). Nothing was loaded again."
    )


@transaction.atomic
def reads_import(*, file_name: str, content: bytes, by) -> ReadImport:
    """Load a read file all or nothing; returns the import with the ids of the reads created.

    Refused with every bad row listed (ReadImportRejected): unknown serial, not installed on
    the date, a bad date, a negative or non-numeric reading, a duplicate in the file or of a
    read on record, a date before the meter's last read, a reading below the last one that is
    not a register rollover. Refused (ServiceError): a file already loaded.
    """
    require(by, Perm.ENTER_READS, doing="load read files")
    sha256 = hashlib.sha256(content).hexdigest()
    _refuse_known_file(sha256)
    rows, errors = _rows(_text(content))
    checked = _check(_with_meters(rows, errors), errors)
    if errors:
        raise ReadImportRejected(errors)
    reads = []
    for row, ctx, assessment in checked:
        try:
            reads.append(
                read_record(
                    meter=row.meter,
                    read_on=row.read_on,
                    reading=row.reading_text,
                    source=row.source,
                    by=by,
                    note=note_with(row.note, ctx, assessment, confirmed=False),
                )
            )
        except ValidationError as error:
            errors.append(RowError(row.line, f"{_described(row)}: {' '.join(error.messages)}"))
    if errors:
        raise ReadImportRejected(errors)
    try:
        with transaction.atomic():
            return ReadImport.objects.create(
                file_name=(file_name or "reads.csv")[:200],
                sha256=sha256,
                row_count=len(reads),
                imported_by=by,
                read_ids=[read.pk for read in reads],
            )
    except IntegrityError:  # the same file, loaded by someone else a moment ago
        _refuse_known_file(sha256)
        raise


# -- selectors


@dataclass(frozen=True)
class FlaggedRead:
    read: MeterRead
    flag_labels: list[str]


@dataclass(frozen=True)
class ImportSummary:
    read_import: ReadImport
    flag_counts: list[tuple[str, int]]  # (label, reads), most common first
    flagged: list[FlaggedRead]  # in meter and date order


def read_import_summary(read_import: ReadImport) -> ImportSummary:
    """The flags of the reads a file created, counted and listed (a fixed number of queries)."""
    reads = list(
        MeterRead.objects.filter(pk__in=read_import.read_ids)
        .select_related("meter")
        .order_by("meter__serial", "read_on")
    )
    contexts = read_contexts([(read.meter, read.read_on) for read in reads])
    policies = policy_values(*READ_POLICIES)
    counts: Counter[str] = Counter()
    flagged = []
    for read in reads:
        flags = saved_flags(contexts[(read.meter_id, read.read_on)], policies)
        counts.update(flags)
        if flags:
            flagged.append(FlaggedRead(read, [FLAG_LABELS.get(flag, flag) for flag in flags]))
    return ImportSummary(
        read_import=read_import,
        flag_counts=[(FLAG_LABELS.get(flag, flag), count) for flag, count in counts.most_common()],
        flagged=flagged,
    )


def recent_imports(limit: int = 20) -> list[ReadImport]:
    return list(ReadImport.objects.select_related("imported_by").order_by("-imported_at")[:limit])
