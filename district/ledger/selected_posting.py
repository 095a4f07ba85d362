"""Posting journals whose lines a SELECT gives: the ledger's set-based writer, for many journals
made from rows already in the database (a bill run's bills, from their lines).

journals_post_selected keeps every rule journals_post_many keeps (district.ledger.rules), and
says the same when one is broken, but nothing passes through Python a line at a time: the
caller's SELECT fills a temporary table, the database checks and fingerprints every journal
there, and the ledger's tables are written by INSERT ... SELECT. A fixed number of statements
whatever the number of journals:

  1. the session's two temporary tables made if need be, and emptied,
  2. the lines staged: INSERT INTO the first <the caller's SELECT>, returning the GL purposes
     they name,
  3. those GL accounts read (rules.gl_accounts: set up and open),
  4. each journal's fingerprint (sha256 of the text rules.journal_fingerprint hashes, written in
     SQL) staged, with whether it breaks a rule: a key, an amount that is not whole cents, zero
     or too large, a memo too long, fewer than two lines, lines that do not balance, or lines
     of one journal naming two sources. Only when one does, one more SELECT finds the first
     (by key, then as journals_post_many meets them) to refuse it as journals_post_many does,
  5. the journals: INSERT ... SELECT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING,
  6. only when some keys were posted before: those journals' fingerprints compared,
  7. the new journals' lines (the balance trigger checks each journal once, at its end),
  8. the AccountBalance cache: the receivable's change summed per account, in ascending account
     id (a stable lock order, as journals_post_many takes it).

All the journals of one call share their kind, memo, effective date and the model of their
source; each journal's lines carry its key and its source's id. Everything runs in a
savepoint: a refusal leaves nothing behind, the staged rows included.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from district.errors import ServiceError
from district.ledger.bulk_posting import PostedJournals
from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.periods import closed_period_error
from district.ledger.rules import (
    KEY_LENGTH,
    LARGEST_AMOUNT,
    check_common,
    check_key,
    check_kind,
    fingerprint_frame,
    gl_accounts,
    key_reused,
    line_problem,
    too_few_lines,
    unbalanced,
)

__all__ = ["SelectedLines", "journals_post_selected"]

LINES = "ledger_selected_line"
JOURNALS = "ledger_selected_journal"


@dataclass(frozen=True)
class SelectedLines:
    """A SELECT giving journal lines, in the order they are written: rows of (journal key,
    source id, GL purpose, amount, service account id or NULL, memo). A journal is the lines
    sharing a key; its lines name one source."""

    sql: str
    params: Sequence = ()


def journals_post_selected(
    lines: SelectedLines,
    *,
    kind: str,
    memo: str,
    effective_date: date,
    source_model: type[Model],
    by,
    posted_at: datetime | None = None,
) -> PostedJournals:
    """Post the journals `lines` selects, in one savepoint, with a fixed number of statements.

    Every journal is checked before anything is written: one bad journal refuses the lot (a
    ServiceError naming its key, saying what journals_post_many says) and writes nothing. A key
    posted before returns its journal (nothing new written), unless it was posted with other
    lines: refused.
    """
    check_common(memo=memo, idempotency_key="-", effective_date=effective_date)
    check_kind(kind)
    if effective_date is None:
        raise TypeError("journals_post_selected needs the journals' effective date.")
    posted_at = posted_at or timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        purposes = _stage(cursor, lines)
        if not purposes:
            return PostedJournals()
        if None in purposes:
            _refuse_problems(cursor)  # a line without a GL purpose
        accounts = gl_accounts(purposes)
        staged, troubled = _fingerprint(cursor, accounts, kind=kind, effective_date=effective_date)
        if troubled:
            _refuse_problems(cursor)
        ids = _insert_journals(
            cursor,
            (
                str(kind),
                memo,
                effective_date,
                posted_at,
                by.pk if by is not None else None,
                ContentType.objects.get_for_model(source_model).pk,
            ),
        )
        new = list(ids)
        if len(ids) < staged:
            ids.update(_posted_before(cursor, new))
        _insert_lines(cursor, new, ids, accounts, effective_date)
        balances = _move_balances(cursor, new, accounts, posted_at)
    return PostedJournals(ids=ids, new=frozenset(new), balances=balances)


def _stage(cursor, lines: SelectedLines) -> set:
    """The caller's lines into this session's temporary tables (both emptied first: a
    savepoint rolled back keeps no rows, but a transaction may post more than once); returns
    the GL purposes they name."""
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {LINES} (seq bigint, key text, source_id text, "
        "purpose text, amount numeric, service_account_id bigint, memo text) "
        f"ON COMMIT DELETE ROWS; DELETE FROM {LINES}; "
        f"CREATE TEMP TABLE IF NOT EXISTS {JOURNALS} (key text, source_id text, "
        "fingerprint text, first_seq bigint, troubled boolean) ON COMMIT DELETE ROWS; "
        f"DELETE FROM {JOURNALS}"
    )
    cursor.execute(
        # Each line numbered in the order selected (a window over the ordered rows).
        f"WITH staged AS (INSERT INTO {LINES} "
        "(seq, key, source_id, purpose, amount, service_account_id, memo) "
        f"SELECT row_number() OVER (), * FROM ({lines.sql}) AS selected "
        "RETURNING purpose) SELECT DISTINCT purpose FROM staged",
        lines.params,
    )
    return {purpose for (purpose,) in cursor.fetchall()}


# Each problem the database looks for: (its code, the lines or journals that have it). The
# first found, by key and line, is refused with the message journals_post_many gives.
# Each problem the database looks for, ranked as journals_post_many meets them: fewer than two
# lines, then each line by its place (amount, then memo), then the journal's source and
# balance. The first found, by key and rank, is refused with journals_post_many's message.
_PROBLEMS = f"""
WITH line AS (
    SELECT key, source_id, purpose, amount, memo,
           row_number() OVER (PARTITION BY key ORDER BY seq) AS position
    FROM {LINES}
)
SELECT key, position, problem, total FROM (
    SELECT key, 0 AS rank, NULL::bigint AS position, 'key' AS problem, NULL::numeric AS total
        FROM line WHERE key IS NULL OR btrim(key) = '' OR length(key) > {KEY_LENGTH}
    UNION ALL SELECT key, 1, NULL, 'too_few_lines', NULL FROM line GROUP BY key
        HAVING count(*) < 2
    UNION ALL SELECT key, 2, position, CASE
            WHEN amount IS NULL OR amount = 'NaN' OR purpose IS NULL THEN 'invalid'
            WHEN amount <> round(amount, 2) THEN 'cents'
            WHEN amount = 0 THEN 'zero'
            WHEN abs(amount) > {LARGEST_AMOUNT} THEN 'too_large'
            ELSE 'memo' END, NULL
        FROM line WHERE amount IS NULL OR amount = 'NaN' OR purpose IS NULL
            OR amount <> round(amount, 2) OR amount = 0 OR abs(amount) > {LARGEST_AMOUNT}
            OR length(memo) > 255
    UNION ALL SELECT key, 3, NULL, 'source', NULL FROM line GROUP BY key
        HAVING count(DISTINCT source_id) <> 1 OR bool_or(source_id IS NULL)
    UNION ALL SELECT key, 4, NULL, 'unbalanced', sum(amount) FROM line GROUP BY key
        HAVING sum(amount) <> 0
) AS problems
ORDER BY key NULLS FIRST, rank, position
LIMIT 1
"""


def _refuse_problems(cursor) -> None:
    cursor.execute(_PROBLEMS)
    found = cursor.fetchone()
    if found is None:
        return
    key, position, problem, total = found
    if problem == "key":
        check_key(key or "")  # says what is wrong with it
    if problem == "too_few_lines":
        error = too_few_lines()
    elif problem == "unbalanced":
        error = unbalanced(Decimal(total))
    elif problem == "source":
        error = ServiceError("A journal's lines name more than one source.", code="source")
    else:
        error = line_problem(position, problem)
    raise ServiceError(f"{key}: {error.messages[0]}", code=error.code)


def _fingerprint(cursor, accounts: dict, *, kind: str, effective_date: date) -> tuple[int, bool]:
    """Stage each journal's key, source and fingerprint (in the order of its first line);
    returns how many journals, and whether any breaks a rule (then _refuse_problems says
    which: the rules are tested here in the same pass, and named only when one is broken).

    The text hashed is rules.journal_fingerprint's: each line `[GL account id, "amount",
    service account id or 0]`, sorted as Python sorts those tuples (the amount's text compared
    byte by byte), inside fingerprint_frame's text."""
    before, after = fingerprint_frame(kind=kind, effective_date=effective_date)
    purposes, gl_ids = _gl_arrays(accounts)
    cursor.execute(
        f"""
        WITH journal AS (
            INSERT INTO {JOURNALS} (key, source_id, fingerprint, first_seq, troubled)
            SELECT key, min(source_id),
                   encode(sha256(convert_to(%s || string_agg(
                       '[' || gl.id || ', "' || round(amount, 2) || '", '
                           || coalesce(service_account_id, 0) || ']',
                       ', ' ORDER BY gl.id, round(amount, 2)::text COLLATE "C",
                           coalesce(service_account_id, 0)
                   ) || %s, 'UTF8')), 'hex'),
                   min(seq),
                   count(*) < 2 OR sum(amount) IS DISTINCT FROM 0
                   OR count(DISTINCT source_id) <> 1 OR bool_or(source_id IS NULL)
                   OR bool_or(amount IS NULL OR amount = 'NaN' OR amount <> round(amount, 2)
                              OR amount = 0 OR abs(amount) > {LARGEST_AMOUNT}
                              OR length(memo) > 255)
                   OR key IS NULL OR btrim(key) = '' OR length(key) > {KEY_LENGTH}
            FROM {LINES} JOIN unnest(%s::text[], %s::bigint[]) AS gl (purpose, id) USING (purpose)
            GROUP BY key
            RETURNING troubled
        ) SELECT count(*), coalesce(bool_or(troubled), false) FROM journal
        """,
        [before, after, purposes, gl_ids],
    )
    staged, troubled = cursor.fetchone()
    return staged, troubled


def _insert_journals(cursor, shared: tuple) -> dict[str, int]:
    """Insert the journals whose keys are free, in the order of their first lines; {key: id}
    of those inserted now. A key held by a concurrent posting waits for it (as
    journals_post_many's do)."""
    try:
        cursor.execute(
            f"INSERT INTO {Journal._meta.db_table} (kind, memo, effective_date, posted_at, "
            "posted_by_id, source_type_id, idempotency_key, fingerprint, source_id) "
            f"SELECT %s, %s, %s, %s, %s, %s, key, fingerprint, source_id FROM {JOURNALS} "
            "ORDER BY first_seq "
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key, id",
            list(shared),
        )
    except IntegrityError as error:
        # The database refuses journals dated in a closed month (district.ledger.periods).
        refusal = closed_period_error(error)
        if refusal is None:
            raise
        raise refusal from error
    return dict(cursor.fetchall())


def _posted_before(cursor, new: list[str]) -> dict[str, int]:
    """{key: id} of the journals posted before under the staged keys, each the same journal
    (same fingerprint) or a refusal."""
    cursor.execute(
        f"SELECT journal.id, journal.idempotency_key, journal.fingerprint = staged.fingerprint "
        f"FROM {JOURNALS} AS staged JOIN {Journal._meta.db_table} AS journal "
        "ON journal.idempotency_key = staged.key WHERE NOT staged.key = ANY(%s) "
        "ORDER BY journal.id",
        [new],
    )
    found = {}
    for journal_id, key, same in cursor.fetchall():
        if not same:
            raise key_reused(journal_id)
        found[key] = journal_id
    return found


def _insert_lines(cursor, new: list[str], ids: dict, accounts: dict, effective_date) -> None:
    if not new:
        return
    purposes, gl_ids = _gl_arrays(accounts)
    cursor.execute(
        f"INSERT INTO {JournalLine._meta.db_table} "
        "(journal_id, gl_account_id, amount, service_account_id, effective_date, memo) "
        "SELECT journal.id, gl.id, line.amount, line.service_account_id, %s, "
        f"coalesce(line.memo, '') FROM {LINES} AS line "
        "JOIN unnest(%s::text[], %s::bigint[]) AS journal (key, id) USING (key) "
        "JOIN unnest(%s::text[], %s::bigint[]) AS gl (purpose, id) USING (purpose) "
        "ORDER BY journal.id, line.seq",
        [effective_date, new, [ids[key] for key in new], purposes, gl_ids],
    )


def _move_balances(cursor, new: list[str], accounts: dict, posted_at) -> dict[int, Decimal]:
    """Add the new receivable lines to the AccountBalance cache, summed per account and locked
    in ascending account id; returns the balances after."""
    receivables = [purpose for purpose, (_id, receivable) in accounts.items() if receivable]
    if not new or not receivables:
        return {}
    table = AccountBalance._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} (service_account_id, balance, updated_at) "
        f"SELECT service_account_id, sum(amount), %s FROM {LINES} "
        "JOIN unnest(%s::text[]) AS journal (key) USING (key) "
        "WHERE purpose = ANY(%s) AND service_account_id IS NOT NULL "
        "GROUP BY service_account_id ORDER BY service_account_id "
        f"ON CONFLICT (service_account_id) DO UPDATE SET balance = {table}.balance"
        " + EXCLUDED.balance, updated_at = EXCLUDED.updated_at"
        " RETURNING service_account_id, balance",
        [posted_at, new, receivables],
    )
    return dict(cursor.fetchall())


def _gl_arrays(accounts: dict) -> tuple[list[str], list[int]]:
    purposes = sorted(accounts)
    return purposes, [accounts[purpose][0] for purpose in purposes]
