"""Bulk writes: COPY and multi-row VALUES lists, a fixed number of statements per batch.

The one place the code speaks COPY. A bill run writes a chunk's bills, lines, journals and
journal lines in one statement each, whatever the chunk's size; the demo district and a
conversion load whole tables. Rows go in with COPY where nothing can conflict (rows this
transaction just created) and with INSERT ... ON CONFLICT where a redelivered batch may meet
its own earlier work.
"""

import gc
import io
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from django.db import connection
from django.db.models.expressions import RawSQL

T = TypeVar("T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch runs (a context manager or, called, a
    decorator); on again after, unless it was off already.

    A batch makes and drops hundreds of thousands of objects, and each of the collector's full
    passes walks every object the process holds (Django, the rate schedules, the plan of a demo
    district): at 100,000 accounts a quarter of an eager bill run's Python time (a Celery
    worker holds fewer objects and gains little) and 15% of the demo plan's. The objects go
    when their last reference does (reference counting needs no collector); the few reference
    cycles wait for the next pass after the batch. The collector is per process, so this is
    for batch work (a Celery worker runs one task a process), not for a threaded web server's
    requests.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sql_values(cursor, template: str, rows) -> str:
    """Rows as SQL literals; "%" doubled because the statement still goes through parameter
    formatting (pghistory prepends its context with parameters): execute it with []."""
    return ",".join(
        cursor.cursor.mogrify(template, row).decode().replace("%", "%%") for row in rows
    )


def ids_in(ids) -> RawSQL:
    """A set of ids for a `field__in=` lookup as one array parameter: `IN (SELECT unnest(...))`.

    Django turns a list into one parameter per id and prepares each (a third of a bill run
    chunk's loading time went there for 2,000 ids); one bigint[] costs the same for any size.
    """
    return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))


NULL = "\\N"
# Rows per piece handed to PostgreSQL when a COPY streams (memory stays flat however many rows).
STREAM_BATCH = 2000


def copy_text(value) -> str:
    """One value in COPY's text format: NULL, booleans, numbers and dates as PostgreSQL reads
    them; backslash, tab, newline and carriage return escaped (addresses span lines)."""
    if value is None:
        return NULL
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


def copy_str(value: str) -> str:
    """A text in COPY's text format: copy_text for a value known to be a str (most need no
    escaping, and are returned as they are)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return copy_text(value)
    return value


def copy_line(row) -> str:
    """One row in COPY's text format (without the newline)."""
    return "\t".join(copy_text(value) for value in row)


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


def stage_rows(cursor, name: str, table: str, columns: tuple[str, ...], lines) -> str:
    """COPY rows (COPY text lines) into a temporary table of `table`'s column types; returns
    the WITH clause that reads them back as `staged` and empties the table, to begin the one
    statement that consumes them:

        WITH staged AS (...) INSERT INTO t (...) SELECT ... FROM staged ON CONFLICT ...

    Two statements (the table is made once per session) however many rows, and the rows
    travel as COPY text the caller makes from known types: a multi-row VALUES list of a bill
    run chunk cost about 40 us a row in psycopg2's mogrify alone.
    """
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} ON COMMIT DELETE ROWS AS "
        f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
    )
    copy_rows(cursor, name, columns, lines=lines)
    return f"WITH staged AS (DELETE FROM {name} RETURNING *)"


def relaxed_commit() -> None:
    """This transaction's commit does not wait for the WAL flush (synchronous_commit off).

    Safe for bill run chunks only because they are idempotent and resumable: a chunk lost in a
    server crash is lost whole (bills with their lines, journals with the bills they post), and
    calculating or posting the run again redoes it. Durability of the books is unchanged once
    the next synchronous commit (any other transaction) flushes the WAL.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


class _Pieces:
    """A file-like object for COPY FROM: each read() hands over the next piece of text."""

    def __init__(self, pieces: Iterable[str]):
        self._pieces = iter(pieces)

    def read(self, _size: int = -1) -> str:
        return next(self._pieces, "")  # "" ends the COPY, so pieces are never empty


def _batched(lines: Iterable[str]) -> Iterable[str]:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= STREAM_BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def copy_stream(cursor, table: str, columns: tuple[str, ...], lines: Iterable[str]) -> None:
    """COPY lines (each already in COPY text format and ending in a newline) as they are made:
    PostgreSQL loads one batch while Python makes the next, and memory stays flat."""
    copy_pieces(cursor, table, columns, _batched(lines))


def copy_pieces(cursor, table: str, columns: tuple[str, ...], pieces: Iterable[str]) -> None:
    """COPY text already gathered into pieces of whole lines, each piece as it comes."""
    raw = getattr(cursor, "cursor", cursor)
    pieces = (piece for piece in pieces if piece)  # an empty piece would end the COPY
    raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", _Pieces(pieces))


def reserve_ids(cursor, table: str, count: int) -> list[int]:
    """`count` ids from the table's identity sequence, safe beside other writers."""
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return sorted(row[0] for row in cursor.fetchall())


def reserve_id_block(cursor, table: str, count: int) -> range:
    """`count` consecutive ids from the table's identity sequence, for a loader that writes
    the table alone: it locks the table against other writers to the end of the transaction.

    One nextval a row (reserve_ids) cost 5-6 us each: 1.9 s of the demo load at 100,000
    accounts, 28 s at a million. Here the sequence moves once. Under the lock no INSERT can
    take an id between the nextval and the setval (an INSERT locks the table before its
    default draws one); the sequence is not rolled back, as nextval's is not either.
    """
    if count == 0:
        return range(0)
    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(
        "SELECT setval(sequence, nextval(sequence) + %s - 1) "
        "FROM pg_get_serial_sequence(%s, 'id') AS sequence",
        [count, table],
    )
    (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def analyze_tables(tables: Iterable[str], *, sessions: int = 2) -> None:
    """ANALYZE the tables, dealt by size over `sessions` connections working side by side, so
    a large load's statistics take every core it has (the demo load's: 2.4 -> 1.0 s).

    Inside a transaction (a test's) they run here one after another: another session would
    wait for the locks this transaction holds.
    """
    tables = list(tables)
    if connection.in_atomic_block or sessions < 2 or len(tables) < 2:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM unnest(%s::text[]) AS name "
            "ORDER BY pg_relation_size(name::regclass) DESC, name",
            [tables],
        )
        largest_first = [name for (name,) in cursor.fetchall()]

    def analyze(group: list[str]) -> None:
        try:  # a thread of its own: Django gives it a connection of its own
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(group))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=sessions, thread_name_prefix="analyze") as pool:
        for done in [
            pool.submit(analyze, group) for group in dealt(largest_first, sessions) if group
        ]:
            done.result()


def analyze_grown(cursor, columns: dict[str, tuple[str, ...]], *, growth: float) -> list[str]:
    """ANALYZE those of the tables (only the columns given for each) that were never analyzed,
    or that grew by more than `growth` (0.2: a fifth) since their statistics were taken;
    returns the tables analyzed.

    Growth is the table's size on disk now against the pages its last ANALYZE (or VACUUM)
    counted, `pg_class.relpages`: what the planner itself scales its row counts by. The count
    of changed rows (`n_mod_since_analyze`) cannot tell: an ANALYZE of some columns leaves it
    as it was, so once a table passes the mark it would be analyzed on every call.
    """
    cursor.execute(
        "SELECT stat.relname FROM pg_stat_user_tables AS stat JOIN pg_class ON pg_class.oid = "
        "stat.relid WHERE stat.relname = ANY(%s) AND ((last_analyze IS NULL AND "
        "last_autoanalyze IS NULL) OR pg_relation_size(stat.relid) > (1 + %s) * "
        "greatest(relpages, 1) * current_setting('block_size')::bigint) ORDER BY 1",
        [list(columns), growth],
    )
    grown = [name for (name,) in cursor.fetchall()]
    if grown:
        cursor.execute(
            "ANALYZE " + ", ".join(f"{name} ({', '.join(columns[name])})" for name in grown)
        )
    return grown


def dealt(items: list, hands: int) -> list[list]:
    """Items dealt to `hands` groups down the list and back up (1 2 2 1 1 2 ...): given the
    largest first, a simple balance of the work."""
    groups: list[list] = [[] for _ in range(hands)]
    for position, item in enumerate(items):
        round_, place = divmod(position, hands)
        groups[place if round_ % 2 == 0 else hands - 1 - place].append(item)
    return groups


@contextmanager
def statements_meanwhile(work: Callable[[object], T]) -> Iterator[Future]:
    """Run `work(cursor)` on this connection's own transaction in a second thread while the
    caller's block runs Python: the server works on one core while Python works on the other.

    `work` gets a cursor of the underlying psycopg2 connection (Django's connection belongs to
    its thread; another thread asking Django would open a second connection, outside this
    transaction). psycopg2 releases the GIL while a statement runs, so the block's Python goes
    on meanwhile. The block must not use the connection: its queries would wait for `work`'s.
    On leaving, the block waits for `work`; its result (or its error) is the future's.
    """
    raw = connection.connection
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="statements") as pool:

        def run():
            with raw.cursor() as cursor:
                return work(cursor)

        yield pool.submit(run)
