"""The GL summary export: one row per GL account per effective date, for the finance system.

The layout is documented in docs/gl-export.md. It ties to the trial balance to the cent: over
a range that starts at the ledger's beginning, each GL account's `net` summed over its rows
equals its trial_balance(as_of=end) balance, and over a month it equals the balance at the
month's end minus the balance at the previous month's end. Every journal balances and carries
one effective date, so each date's rows also net to zero.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from district.errors import ServiceError, require
from district.ledger.models import GLAccount, GLExportLog, JournalLine
from district.money import ZERO
from district.roles import Perm

COLUMNS = ("date", "gl_code", "gl_name", "debit", "credit", "net", "journal_count")

# One statement over the lines of the range (read by effective date), grouped per day and GL
# account: debits are the positive lines, credits the negative ones shown positive.
_SQL = f"""
    SELECT line.effective_date, account.code, account.name,
           COALESCE(SUM(line.amount) FILTER (WHERE line.amount > 0), 0) AS debit,
           COALESCE(-SUM(line.amount) FILTER (WHERE line.amount < 0), 0) AS credit,
           SUM(line.amount) AS net,
           COUNT(DISTINCT line.journal_id) AS journals
    FROM {JournalLine._meta.db_table} line
    JOIN {GLAccount._meta.db_table} account ON account.id = line.gl_account_id
    WHERE line.effective_date BETWEEN %s AND %s
    GROUP BY line.effective_date, account.code, account.name
    ORDER BY line.effective_date, account.code
"""


@dataclass(frozen=True)
class GLExportRow:
    date: date
    gl_code: str
    gl_name: str
    debit: Decimal  # sum of the debit lines, >= 0
    credit: Decimal  # sum of the credit lines shown positive, >= 0
    net: Decimal  # debit - credit: positive is a net debit
    journal_count: int  # journals with a line on this account that day


@dataclass(frozen=True)
class GLExport:
    start: date
    end: date
    rows: list[GLExportRow]
    csv_text: str

    @property
    def filename(self) -> str:
        return f"gl-summary-{self.start:%Y%m%d}-{self.end:%Y%m%d}.csv"


def _money(value) -> Decimal:
    return Decimal(value).quantize(ZERO)


def gl_summary_rows(*, start: date, end: date) -> list[GLExportRow]:
    """The export's rows for the dates start..end inclusive (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [start, end])
        fetched = cursor.fetchall()
    return [
        GLExportRow(day, code, name, _money(debit), _money(credit), _money(net), journals)
        for day, code, name, debit, credit, net, journals in fetched
    ]


def gl_summary_csv(rows: list[GLExportRow]) -> str:
    """The rows as CSV text: a header, RFC 4180 quoting, CRLF line ends (docs/gl-export.md)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.date.isoformat(),
                row.gl_code,
                row.gl_name,
                f"{row.debit:.2f}",
                f"{row.credit:.2f}",
                f"{row.net:.2f}",
                row.journal_count,
            ]
        )
    return buffer.getvalue()


def check_range(start: date | None, end: date | None) -> None:
    if start is None or end is None:
        raise ServiceError("Give both the first and the last date.", code="range")
    if end < start:
        raise ServiceError({"end": "The last date is before the first."}, code="range")


@transaction.atomic
def gl_export(*, start: date, end: date, by) -> GLExport:
    """The GL summary for start..end, recorded in GLExportLog (who, when, which dates)."""
    require(by, Perm.VIEW_LEDGER, doing="export the general ledger")
    check_range(start, end)
    rows = gl_summary_rows(start=start, end=end)
    GLExportLog.objects.create(exported_by=by, start=start, end=end, rows=len(rows))
    return GLExport(start=start, end=end, rows=rows, csv_text=gl_summary_csv(rows))


def recent_exports(*, limit: int = 10) -> list[GLExportLog]:
    """The latest exports with who made them (one query)."""
    return list(GLExportLog.objects.select_related("exported_by")[:limit])
