"""EXPLAIN (ANALYZE, BUFFERS) of a bill run's costliest statements, on a bench working copy.

Run after `bill_run.py --profile calc|post --database NAME`, which leaves NAME (the working
copy, with its runs calculated and posted) and /tmp/bill_run_<phase>.pickle (each kind of
statement's slowest instance, costliest kinds first). Each statement is replayed in a
transaction that is rolled back, with SET CONSTRAINTS ALL IMMEDIATE: the deferred triggers
(Django's foreign keys, the ledger's journal-balance check) then fire at the statement's end
and EXPLAIN ANALYZE lists them with their time and calls, where a real chunk pays them at
commit. Rows an INSERT would find already there (the run wrote them) are deleted first in the
same transaction, with triggers off (session_replication_role = replica). With --analyze,
the tables the run wrote are ANALYZEd first (in the same rolled-back transaction), to compare
the plans a chunk gets on the statistics it finds with those on fresh ones.

COPY does not go through Django's cursor.execute, so the COPY of bill lines (calc) and of
journal lines (post) are replayed as INSERT ... SELECT of one chunk's rows (2,000 bills), once
into the real table and once into a bare copy of it (no index, no trigger, no constraint).

    python bench/bill_run_explain.py --phase post --database district_bench_bill_run_prof_post
"""

import argparse
import pickle
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import _point_django_at, setup_django  # noqa: E402

setup_django()

from django.db import connection, transaction  # noqa: E402

CHUNK = 2_000


def _explain(cursor, sql: str, params=None) -> None:
    cursor.execute("SET session_replication_role = origin")
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params or None)
    for (line,) in cursor.fetchall():
        print("    " + line[:160])


def _without_triggers(cursor, *statements) -> None:
    cursor.execute("SET session_replication_role = replica")
    for statement, params in statements:
        cursor.execute(statement, params)


def _make_room(cursor, sql: str) -> None:
    """Delete the rows an INSERT of the run's own rows would conflict with."""
    if sql.startswith("INSERT INTO billing_bill ("):
        pairs = re.findall(r"\((\d+),(\d+),'regular'", sql)
        accounts, run = [int(a) for a, _ in pairs], int(pairs[0][1])
        bills = "SELECT id FROM billing_bill WHERE run_id = %s AND account_id = ANY(%s)"
        _without_triggers(
            cursor,
            (f"DELETE FROM billing_billline WHERE bill_id IN ({bills})", [run, accounts]),
            (f"DELETE FROM billing_billexception WHERE bill_id IN ({bills})", [run, accounts]),
            (
                "DELETE FROM billing_bill WHERE run_id = %s AND account_id = ANY(%s)",
                [run, accounts],
            ),
        )
    elif sql.startswith("INSERT INTO billing_billexception ("):
        pairs = re.findall(r"\((\d+),(\d+),", sql)
        accounts, run = [int(a) for _, a in pairs], int(pairs[0][0])
        _without_triggers(
            cursor,
            (
                "DELETE FROM billing_billexception WHERE run_id = %s AND account_id = ANY(%s)",
                [run, accounts],
            ),
        )
    elif sql.startswith("INSERT INTO ledger_journal ("):
        keys = re.findall(r"'((?:bill|deposit-installment):[\d:]+)'", sql)
        journals = "SELECT id FROM ledger_journal WHERE idempotency_key = ANY(%s)"
        _without_triggers(
            cursor,
            (f"DELETE FROM ledger_journalline WHERE journal_id IN ({journals})", [keys]),
            ("DELETE FROM ledger_journal WHERE idempotency_key = ANY(%s)", [keys]),
        )


ANALYZED = ("billing_bill", "billing_billline", "billing_billexception", "ledger_journal",
            "ledger_journalline")  # fmt: skip


def statements(phase: str, top: int, analyze: bool) -> None:
    with open(f"/tmp/bill_run_{phase}.pickle", "rb") as source:
        ranked = pickle.load(source)
    for total, calls, sql, params in ranked[:top]:
        print(f"\n== {total:.2f} s in {calls} calls: {' '.join(sql.split())[:110]}")
        with transaction.atomic(), connection.cursor() as cursor:
            try:
                if analyze:  # in the transaction: the new statistics are rolled back too
                    cursor.execute(f"ANALYZE {', '.join(ANALYZED)}")
                _make_room(cursor, sql)
                _explain(cursor, sql, params)
            except Exception as error:  # noqa: BLE001 - a replay that cannot run is reported
                print(f"    (not replayed: {error.__class__.__name__}: {str(error)[:200]})")
            transaction.set_rollback(True)


def copy_replay(table: str, rows_select: str) -> None:
    """One chunk's rows of `table` inserted again: into the table, then into a bare copy."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE replay ON COMMIT DROP AS {rows_select}")
        cursor.execute(f"CREATE TEMP TABLE bare ON COMMIT DROP AS SELECT * FROM {table} LIMIT 0")
        cursor.execute("SELECT count(*) FROM replay")
        print(f"\n== {table}: {cursor.fetchone()[0]:,} rows of one chunk, into the table")
        _without_triggers(cursor, (f"DELETE FROM {table} WHERE id IN (SELECT id FROM replay)", []))
        _explain(cursor, f"INSERT INTO {table} SELECT * FROM replay")
        print(f"== {table}: the same rows into a bare table (no index, trigger or constraint)")
        _explain(cursor, "INSERT INTO bare SELECT * FROM replay")
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=("calc", "post"), required=True)
    parser.add_argument("--database", required=True, help="the working copy bill_run.py left")
    parser.add_argument("--top", type=int, default=6, help="how many kinds of statement")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="ANALYZE the tables the run wrote first (the run itself does not): the plans "
        "with fresh statistics",
    )
    args = parser.parse_args()
    _point_django_at(args.database)
    statements(args.phase, args.top, args.analyze)
    last_run_bills = (
        "SELECT id, journal_id FROM billing_bill WHERE run_id = (SELECT max(id) FROM "
        f"billing_billrun) ORDER BY id LIMIT {CHUNK}"
    )
    if args.phase == "calc":
        copy_replay(
            "billing_billline",
            f"SELECT line.* FROM billing_billline line JOIN ({last_run_bills}) bill "
            "ON bill.id = line.bill_id",
        )
    else:
        copy_replay(
            "ledger_journalline",
            f"SELECT line.* FROM ledger_journalline line JOIN ({last_run_bills}) bill "
            "ON bill.journal_id = line.journal_id",
        )


if __name__ == "__main__":
    main()
