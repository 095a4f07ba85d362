"""The demo load's set-wise upkeep (accounts.demo.upkeep): history events as the triggers would
write them, and indexes and foreign keys built again exactly as they were."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.demo import generate_district
from accounts.demo.load import LEDGER_TABLES, LOADED_TABLES, check_line_accounts
from tests.accounts.test_seed_demo import _digest, _empty_district

AS_OF = date(2025, 6, 30)
SMALL = {"accounts": 40, "years": 1, "seed": 5, "as_of": AS_OF}
AUDITED = [table for table in LOADED_TABLES if table != "field_ops_meterread"]


def _rows(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _schema() -> list[tuple]:
    """Every index, constraint and trigger (with its state: on or off) of the loaded tables,
    the search documents, the event tables and the ledger's tables, as defined."""
    tables = LOADED_TABLES + ["accounts_searchdocument"] + [f"{table}event" for table in AUDITED]
    tables += LEDGER_TABLES
    return _rows(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) "
        "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) "
        "UNION ALL SELECT tgrelid::regclass::text || '.' || tgname, tgenabled::text "
        "FROM pg_trigger WHERE tgrelid = ANY(%s::regclass[]) AND NOT tgisinternal "
        "ORDER BY 1, 2",
        [tables, tables, tables],
    )


def _events_matching_their_rows(table: str) -> tuple[int, int, int]:
    """(rows, insert events, events whose every tracked column equals its row's)."""
    columns = [
        name
        for (name,) in _rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT LIKE 'pgh%%'",
            [f"{table}event"],
        )
    ]
    same = " AND ".join(f"e.{column} IS NOT DISTINCT FROM t.{column}" for column in columns)
    ((rows, events, matching),) = _rows(
        f"SELECT (SELECT count(*) FROM {table}), "
        f"(SELECT count(*) FROM {table}event WHERE pgh_label = 'insert'), "
        f"(SELECT count(*) FROM {table}event e JOIN {table} t ON t.id = e.pgh_obj_id "
        f" WHERE e.pgh_label = 'insert' AND e.pgh_context_id IS NOT NULL AND {same})"
    )
    return rows, events, matching


def test_each_loaded_row_has_the_insert_event_its_trigger_would_write(db):
    # given a demo district loaded with the history triggers skipped during the COPYs
    generate_district(**SMALL)

    # then every audited row has one insert event holding its columns, with the load's context
    for table in AUDITED:
        rows, events, matching = _events_matching_their_rows(table)
        assert rows > 0
        assert rows == events == matching, table
    # and the triggers run again for what comes after the load
    assert _rows("SELECT current_setting('pgtrigger.ignore')") == [("{}",)]


def test_rebuilding_indexes_and_keys_gives_the_same_schema_and_the_same_district(db):
    # given the schema, and the district loaded with row-by-row upkeep
    schema = _schema()
    generate_district(**SMALL, rebuild_indexes=False)
    rowwise = _digest()
    _empty_district()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f"{table}event" for table in AUDITED))

    # when it is loaded again with indexes and foreign keys dropped and built after the COPYs
    generate_district(**SMALL, rebuild_indexes=True)

    # then every index and constraint is back as it was, and the district is the same
    assert _schema() == schema
    assert _digest() == rowwise
    # and every account has its counter search document (written in one statement after the
    # COPYs, the triggers held meanwhile and on again after: the schema above)
    assert _rows(
        "SELECT count(*) FROM accounts_serviceaccount a "
        "JOIN accounts_searchdocument d ON d.account_id = a.id AND d.number = a.number"
    ) == _rows("SELECT count(*) FROM accounts_serviceaccount")
    for table in AUDITED:
        rows, events, matching = _events_matching_their_rows(table)
        assert rows == events == matching, table


def test_a_foreign_key_rebuilt_after_the_load_still_refuses_a_missing_meter(db):
    # given a district loaded with its foreign keys rebuilt
    generate_district(**SMALL, rebuild_indexes=True)
    (missing,) = _rows("SELECT max(id) + 1000 FROM field_ops_meter")[0]

    # when a read names a meter that does not exist
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO field_ops_meterread (meter_id, read_on, reading, source, flags, note, "
            "entered_at) VALUES (%s, %s, 1, 'route', '{}', '', now())",
            [missing, AS_OF],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    # then the key refuses it, and nothing was written
    assert _rows("SELECT count(*) FROM field_ops_meterread WHERE meter_id = %s", [missing]) == [
        (0,)
    ]


def test_the_journal_lines_account_key_held_during_the_load_is_checked_once_after(db):
    # given a district loaded with the lines' account key held, then checked once: it passes
    generate_district(**SMALL, rebuild_indexes=True)
    with connection.cursor() as cursor:
        check_line_accounts(cursor)
    (missing,) = _rows("SELECT max(id) + 1000 FROM accounts_serviceaccount")[0]
    (journal,) = _rows("SELECT min(journal_id) FROM ledger_journalline")[0]

    # when a journal's lines name a missing account while the key is held (copied whole, so
    # the journal still balances)
    with (
        pytest.raises(IntegrityError, match=f"service_account_id {missing} is not in"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "ALTER TABLE ledger_journalline DISABLE TRIGGER accounts_journal_line_account_checked"
        )
        cursor.execute(
            "INSERT INTO ledger_journalline (journal_id, gl_account_id, amount,"
            " service_account_id, effective_date, memo) SELECT journal_id, gl_account_id, amount,"
            " CASE WHEN service_account_id IS NULL THEN NULL ELSE %s END, effective_date, memo"
            " FROM ledger_journalline WHERE journal_id = %s",
            [missing, journal],
        )
        # then the check after the load refuses them (and the load's transaction with them)
        check_line_accounts(cursor)
    assert _rows(
        "SELECT count(*) FROM ledger_journalline WHERE service_account_id = %s", [missing]
    ) == [(0,)]
