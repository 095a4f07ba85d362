"""district.bulk's loading helpers: a block of ids, ANALYZE over two sessions, and ANALYZE of the
tables that grew."""

import pytest
from django.db import connection

from district.bulk import analyze_grown, analyze_tables, dealt, reserve_id_block

TABLE = "accounts_customer"


def _one(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def test_a_block_of_ids_is_consecutive_and_the_sequence_continues_after_it(db):
    # when a loader reserves five ids
    with connection.cursor() as cursor:
        block = reserve_id_block(cursor, TABLE, 5)

    # then they are five consecutive ids, and the next id drawn comes after them
    assert len(block) == 5 and list(block) == list(range(block.start, block.start + 5))
    assert _one("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [TABLE]) == block.stop
    # and the table stays locked against other writers to the end of the transaction
    assert _one(
        "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND pid = pg_backend_pid() "
        "AND mode = 'ShareRowExclusiveLock'",
        [TABLE],
    )


def test_no_ids_reserve_nothing(db):
    before = _one("SELECT last_value FROM accounts_customer_id_seq")
    with connection.cursor() as cursor:
        assert list(reserve_id_block(cursor, TABLE, 0)) == []
    assert _one("SELECT last_value FROM accounts_customer_id_seq") == before


def test_tables_are_dealt_down_the_sizes_and_back_up():
    assert dealt(["a", "b", "c", "d", "e"], 2) == [["a", "d", "e"], ["b", "c"]]
    assert dealt(["a", "b", "c"], 3) == [["a"], ["b"], ["c"]]
    assert dealt([], 2) == [[], []]


def _probes(count: int) -> list[str]:
    names = [f"bulk_analyze_probe_{n}" for n in range(count)]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"CREATE TABLE {name} (n integer)")
            cursor.execute(f"INSERT INTO {name} SELECT generate_series(1, 500)")
    return names


def _analyzed(names: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tablename FROM pg_stats WHERE tablename = ANY(%s) ORDER BY 1",
            [names],
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_every_table_is_analyzed_over_two_sessions():
    names = _probes(3)
    try:
        analyze_tables(names)
        assert _analyzed(names) == names
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE " + ", ".join(names))


def test_inside_a_transaction_the_tables_are_analyzed_on_its_own_connection(db):
    # given tables whose rows only this transaction sees
    names = _probes(2)

    # when they are analyzed
    analyze_tables(names)

    # then the statistics count those rows (another session would have seen none)
    assert _analyzed(names) == names
    assert _one("SELECT reltuples FROM pg_class WHERE relname = %s", [names[0]]) == 500


def _grown(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # this transaction's cached counters
        return analyze_grown(cursor, {table: ("n",)}, growth=0.2)


def test_a_table_is_analyzed_when_never_analyzed_or_grown_by_the_share_and_not_again(db):
    table = "bulk_grown_probe"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} (n integer)")
        cursor.execute(f"INSERT INTO {table} SELECT generate_series(1, 10000)")

    # a table never analyzed is; then, unchanged, it is not analyzed again (its count of
    # changed rows, which an ANALYZE of some columns leaves as it was, does not count)
    assert _grown(table) == [table]
    assert _one("SELECT reltuples FROM pg_class WHERE relname = %s", [table]) == 10000
    assert _grown(table) == []

    # a tenth more rows is under the share; six tenths more is over it
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} SELECT generate_series(1, 1000)")
    assert _grown(table) == []
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} SELECT generate_series(1, 5000)")
    assert _grown(table) == [table]
    assert _one("SELECT reltuples FROM pg_class WHERE relname = %s", [table]) == 16000
