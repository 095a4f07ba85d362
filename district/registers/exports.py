"""A filled register as CSV (UTF-8, safe to open in a spreadsheet) and as XLSX (real numbers
and dates, a header row, frozen panes, a totals row)."""

import csv
import datetime
import io
from decimal import Decimal

import xlsxwriter

from district.registers.definitions import DATE, MONEY, NUMBER, Table

# A cell a spreadsheet would run as a formula starts with one of these (names and memos are
# typed by people), as the outreach labels guard them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '"$"#,##0.00;-"$"#,##0.00'
DATE_FORMAT = "mm/dd/yyyy"


def csv_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == MONEY and isinstance(value, Decimal):
        return f"{value:.2f}"  # numbers are written as numbers, never as text to guard
    if kind in (MONEY, NUMBER) and isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return csv_safe(str(value))


def table_csv(table: Table) -> bytes:
    """Header, rows and the totals row, as UTF-8 CSV with CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(column.label) for column in table.columns])
    for row in table.cells:
        writer.writerow([_csv_cell(column.kind, value) for column, value in row])
    if table.totals:
        writer.writerow([_csv_cell(column.kind, value) for column, value in table.total_cells])
    return out.getvalue().encode("utf-8")


def _write(sheet, row: int, col: int, kind: str, value, formats: dict) -> None:
    if value is None:
        sheet.write_blank(row, col, None, formats.get(kind))
    elif kind in (MONEY, NUMBER) and isinstance(value, int | Decimal):
        # A spreadsheet stores numbers as doubles: cents up to billions survive the trip.
        sheet.write_number(row, col, float(value), formats.get(kind))
    elif isinstance(value, datetime.date):
        moment = (
            datetime.datetime.combine(value, datetime.time())
            if not isinstance(value, datetime.datetime)
            else value
        )
        sheet.write_datetime(row, col, moment, formats[DATE])
    else:
        # write_string, never write(): text that looks like a formula stays text.
        sheet.write_string(row, col, str(value), formats.get(kind))


def table_xlsx(table: Table) -> bytes:
    """One sheet: the header row (frozen), the rows, and a bold totals row."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": table.caption})
    formats = {
        MONEY: book.add_format({"num_format": MONEY_FORMAT}),
        NUMBER: book.add_format({"num_format": "#,##0.##"}),
        DATE: book.add_format({"num_format": DATE_FORMAT}),
    }
    bold = {kind: book.add_format({"bold": True, "top": 1, "num_format": fmt})
            for kind, fmt in ((MONEY, MONEY_FORMAT), (NUMBER, "#,##0.##"), ("text", "@"))}  # fmt: skip
    header = book.add_format({"bold": True, "bottom": 1})
    sheet = book.add_worksheet(table.register.title[:31])
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.label, header)
        width = 14 if column.is_numeric or column.kind == DATE else 28
        sheet.set_column(col, col, max(width, len(column.label) + 2))
    sheet.freeze_panes(1, 0)
    for row_number, row in enumerate(table.cells, start=1):
        for col, (column, value) in enumerate(row):
            _write(sheet, row_number, col, column.kind, value, formats)
    if table.totals:
        total_row = len(table.rows) + 1
        for col, (column, value) in enumerate(table.total_cells):
            kind = column.kind if column.is_numeric and column.total else "text"
            _write(sheet, total_row, col, kind, value, {**bold, DATE: formats[DATE]})
    book.close()
    return out.getvalue()
