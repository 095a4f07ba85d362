"""Bulk writes for bill run chunks: multi-row VALUES lists and COPY, a fixed number of statements.

A bill run writes a chunk's bills, lines, journals and journal lines in one statement each,
whatever the chunk's size. Rows go in with COPY where nothing can conflict (the lines of bills
and journals this transaction just created) and with INSERT ... ON CONFLICT where a redelivered
chunk may meet its own earlier work.
"""

import io
from datetime import date, datetime
from decimal import Decimal

from django.db import connection


def sql_values(cursor, template: str, rows) -> str:
    """Rows as SQL literals; "%" doubled because the statement still goes through parameter
    formatting (pghistory prepends its context with parameters): execute it with []."""
    return ",".join(
        cursor.cursor.mogrify(template, row).decode().replace("%", "%%") for row in rows
    )


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal, date, datetime)):
        return str(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def copy_line(row) -> str:
    """One row in COPY's text format (without the newline)."""
    return "\t".join(_copy_text(value) for value in row)


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows=(), *, lines=()) -> None:
    """COPY rows (or rows already formatted with copy_line) into a table in one statement.

    Not seen by Django's query log: callers count it.
    """
    text = "\n".join([*(copy_line(row) for row in rows), *lines])
    if not text:
        return
    cursor.cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(text + "\n")
    )


def relaxed_commit() -> None:
    """This transaction's commit does not wait for the WAL flush (synchronous_commit off).

    Safe for bill run chunks only because they are idempotent and resumable: a chunk lost in a
    server crash is lost whole (bills with their lines, journals with the bills they post), and
    calculating or posting the run again redoes it. Durability of the books is unchanged once
    the next synchronous commit (any other transaction) flushes the WAL.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
