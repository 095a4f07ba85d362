"""Posting many journals at once: the ledger's only bulk writer of journals, lines and balances.

journals_post_many keeps every rule journal_post keeps (district.ledger.rules: each journal
balances, has two lines or more, amounts in cents, GL accounts set up and open; a repeated key
returns the first journal, a different journal under a used key is refused), under the same
triggers (append-only, each journal balanced), and writes with set operations: a fixed
number of statements whatever the number of journals:

  1. the GL accounts of every purpose named (one SELECT),
  2. the journals: staged with COPY into a session temporary table (district.bulk.stage_rows),
     then one INSERT ... SELECT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING,
  3. only when some keys were posted before: those journals' fingerprints (one SELECT),
  4. the lines of the journals just inserted (one COPY: nothing can conflict with them; the
     balance trigger checks each journal once, at the end of that statement),
  5. the AccountBalance cache: the receivable's change summed per account, staged with COPY,
     then one INSERT ... SELECT ... ORDER BY account ON CONFLICT DO UPDATE (accounts locked in
     ascending id order: a stable lock order, no deadlock between two postings).

Journals whose key was posted before write nothing (their lines and balance moves are already
in the books), so posting the same drafts again after a crash posts nothing twice.
"""

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from district.bulk import NULL, copy_rows, copy_str, copy_text, stage_rows
from district.errors import ServiceError
from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.periods import closed_period_error
from district.ledger.rules import (
    Line,
    ResolvedLine,
    check_balanced,
    check_common,
    check_kind,
    checked_amounts,
    gl_accounts,
    journal_fingerprint,
    key_reused,
    resolved_lines,
)

JOURNAL_COLUMNS = (
    "kind",
    "memo",
    "effective_date",
    "posted_at",
    "posted_by_id",
    "idempotency_key",
    "fingerprint",
    "source_type_id",
    "source_id",
)
BALANCE_COLUMNS = ("service_account_id", "balance", "updated_at")
LINE_COLUMNS = (
    "journal_id",
    "gl_account_id",
    "amount",
    "service_account_id",
    "effective_date",
    "memo",
)


@dataclass(frozen=True)
class JournalDraft:
    """One journal to post, as journal_post takes it. `source` is the business record booked:
    a saved model instance, or (model class, primary key) when only the id is at hand."""

    kind: str
    memo: str
    lines: Sequence[Line]
    idempotency_key: str
    effective_date: date | None = None
    source: Model | tuple[type[Model], object] | None = None


@dataclass(frozen=True)
class PostedJournals:
    """What a call posted: every draft's journal id by key (new or found), the keys posted now,
    and the balance after posting of each account the new journals moved."""

    ids: dict[str, int] = field(default_factory=dict)
    new: frozenset[str] = frozenset()
    balances: dict[int, Decimal] = field(default_factory=dict)

    @property
    def repeated(self) -> frozenset[str]:
        """Keys posted before this call: nothing was written for them."""
        return frozenset(self.ids.keys() - self.new)


@dataclass(frozen=True)
class _Prepared:
    key: str
    row: tuple
    lines: list[ResolvedLine]
    effective_date: date


@dataclass(frozen=True)
class PreparedJournals:
    """Drafts that passed every check needing no write, with their rows ready to write
    (journals_prepare); journals_post_prepared writes them."""

    journals: list[_Prepared]
    posted_at: datetime


def journals_prepare(
    journals: Sequence[JournalDraft],
    *,
    by,
    posted_at: datetime | None = None,
    accounts: dict[str, tuple[int, bool]] | None = None,
) -> PreparedJournals:
    """Check every draft and make its rows; nothing is written. One bad draft refuses the lot
    (a ServiceError naming its key). `accounts` (district.ledger.rules.gl_accounts of every
    purpose the drafts name) saves its query: given, this reads nothing from the database
    once each source's content type is cached, so a bulk loader can prepare journals in Python
    while its connection is busy with other statements."""
    posted_at = posted_at or timezone.now()
    amounts = [_checked(draft) for draft in journals]
    _refuse_shared_keys(journals)
    purposes = {line.gl for draft in journals for line in draft.lines}
    if accounts is None or not purposes <= accounts.keys():
        accounts = gl_accounts(purposes)
    content_types: dict[type[Model], int] = {}
    prepared = [
        _prepare(draft, draft_amounts, accounts, content_types, by=by, posted_at=posted_at)
        for draft, draft_amounts in zip(journals, amounts, strict=True)
    ]
    return PreparedJournals(journals=prepared, posted_at=posted_at)


def journals_post_prepared(prepared: PreparedJournals) -> PostedJournals:
    """Write prepared journals with a fixed number of statements (see the module's text). A key
    posted before returns its journal (nothing new written), unless it was posted with other
    lines, kind or date: refused."""
    if not prepared.journals:
        return PostedJournals()
    with transaction.atomic(), connection.cursor() as cursor:
        ids = _insert_journals(cursor, prepared.journals, prepared.posted_at)
        new = [journal for journal in prepared.journals if journal.key in ids]
        if len(new) < len(prepared.journals):
            ids.update(_posted_before(prepared.journals, ids))
        _copy_lines(cursor, new, ids)
        balances = _move_balances(cursor, new, prepared.posted_at)
    return PostedJournals(ids=ids, new=frozenset(j.key for j in new), balances=balances)


def journals_post_many(
    journals: Sequence[JournalDraft], *, by, posted_at: datetime | None = None
) -> PostedJournals:
    """Post many balanced journals in one transaction with a fixed number of statements.

    Every draft is checked before anything is written: one bad draft refuses the lot (a
    ServiceError naming its key) and writes nothing. A key posted before returns its journal
    (nothing new written), unless it was posted with other lines, kind or date: refused.
    """
    if not journals:
        return PostedJournals()
    return journals_post_prepared(journals_prepare(journals, by=by, posted_at=posted_at))


@contextmanager
def balances_checked_once(cursor) -> Iterator[None]:
    """For a load of many journals into the ledger in one transaction (the demo district): the
    journals posted inside balance, checked once at the end by one aggregate over their lines,
    instead of by the journal_lines_balance trigger at each statement.

    The trigger sums each journal's lines through the lines' journal index; skipped, the loader
    may drop that index for the load and build it once after (accounts.demo). It is skipped
    through pgtrigger's own switch (the transaction's pgtrigger.ignore, inside a savepoint: a
    failed load leaves it as it was) for this session only: other sessions' postings are
    checked as ever. A journal that does not balance is refused as the trigger refuses it
    (check_violation).
    """
    lines = JournalLine._meta.db_table
    with transaction.atomic():
        cursor.execute(f"SELECT max(id) FROM {Journal._meta.db_table}")
        (posted_before,) = cursor.fetchone()
        cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
        (ignored_before,) = cursor.fetchone()
        ignored = (ignored_before or "{}").strip("{}")
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)",
            ["{" + ",".join(filter(None, [ignored, _BALANCE_TRIGGER])) + "}"],
        )
        yield
        # A DO block: the same error, raised by the database, as the trigger's. It takes no
        # parameters: psycopg2 writes the id into its text (hence %% for the message's %).
        cursor.execute(
            "DO $check$ DECLARE unbalanced bigint; BEGIN SELECT journal_id INTO unbalanced "
            f"FROM {lines} WHERE journal_id > %s GROUP BY journal_id HAVING sum(amount) <> 0 "
            "ORDER BY journal_id LIMIT 1; IF unbalanced IS NOT NULL THEN RAISE EXCEPTION "
            "'journal %% does not balance', unbalanced USING ERRCODE = 'check_violation'; "
            "END IF; END $check$",
            [posted_before or 0],
        )
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [ignored_before or "{}"])


def _trigger_name(model: type[Model], name: str) -> str:
    """The database name pgtrigger gives a model's trigger."""
    (trigger,) = (trigger for trigger in model._meta.triggers if trigger.name == name)
    return trigger.get_pgid(model)


_BALANCE_TRIGGER = _trigger_name(JournalLine, "journal_lines_balance")


def _checked(draft: JournalDraft) -> list[Decimal]:
    """The draft's line amounts once it passes every check that needs no database."""
    if not isinstance(draft, JournalDraft):
        raise TypeError(f"Expected a JournalDraft, not {type(draft).__name__}.")
    try:
        check_common(
            memo=draft.memo,
            idempotency_key=draft.idempotency_key,
            effective_date=draft.effective_date,
        )
        check_kind(draft.kind)
        return checked_amounts(draft.lines)
    except ServiceError as error:
        raise _naming(draft, error) from error


def _refuse_shared_keys(journals: Sequence[JournalDraft]) -> None:
    counts = Counter(draft.idempotency_key for draft in journals)
    shared = sorted(key for key, count in counts.items() if count > 1)
    if shared:
        raise ServiceError(
            f"Each journal needs a key of its own; given more than once: {', '.join(shared)}.",
            code="key",
        )


def _naming(draft: JournalDraft, error: ServiceError) -> ServiceError:
    return ServiceError(f"{draft.idempotency_key}: {error.messages[0]}", code=error.code)


def _source(source, content_types: dict) -> tuple[int | None, str]:
    if source is None:
        return None, ""
    if isinstance(source, tuple):
        model, pk = source
    else:
        model, pk = type(source), source.pk
    if pk is None:
        raise ServiceError("The record being posted has not been saved.", code="source")
    if model not in content_types:
        # get_for_model is cached per process: no query after the first of each model.
        content_types[model] = ContentType.objects.get_for_model(model).pk
    return content_types[model], str(pk)


def _prepare(draft: JournalDraft, amounts, accounts, content_types, *, by, posted_at):
    lines = resolved_lines(draft.lines, amounts, accounts)
    try:
        check_balanced(lines)
    except ServiceError as error:
        raise _naming(draft, error) from error
    source_type_id, source_id = _source(draft.source, content_types)
    fingerprint = journal_fingerprint(
        kind=draft.kind,
        effective_date=draft.effective_date,
        lines=[(line.gl_account_id, line.amount, line.service_account_id) for line in lines],
    )
    effective_date = draft.effective_date or timezone.localdate()
    row = (
        str(draft.kind),
        draft.memo,
        effective_date,
        posted_at,
        by.pk if by is not None else None,
        draft.idempotency_key,
        fingerprint,
        source_type_id,
        source_id,
    )
    return _Prepared(key=draft.idempotency_key, row=row, lines=lines, effective_date=effective_date)


def _journal_line(row: tuple, posted_at: str) -> str:
    """A journal row in COPY text: the texts escaped, the rest as they print. `posted_at`: the
    call's one posting time, printed once (printing a datetime a row was two thirds of the
    text's cost: 0.19 -> 0.06 s for 50,000 journals)."""
    kind, memo, effective_date, _posted_at, by_id, key, fingerprint, source_type_id, source_id = row
    return (
        f"{kind}\t{copy_str(memo)}\t{effective_date}\t{posted_at}\t"
        f"{NULL if by_id is None else by_id}\t{copy_str(key)}\t{fingerprint}\t"
        f"{NULL if source_type_id is None else source_type_id}\t{copy_str(source_id)}"
    )


def _insert_journals(cursor, prepared: list[_Prepared], posted_at: datetime) -> dict[str, int]:
    """Insert the journals whose keys are free: {key: id} of those inserted now. A key held by
    a concurrent posting waits for it to commit (then counts as posted before) or roll back.
    The rows are staged with COPY and inserted by one INSERT ... SELECT, in the drafts' order.
    `posted_at`: the one time journals_prepare stamped on every row."""
    stamp = str(posted_at)
    staged = stage_rows(
        cursor,
        "ledger_journal_stage",
        Journal._meta.db_table,
        JOURNAL_COLUMNS,
        (_journal_line(journal.row, stamp) for journal in prepared),
    )
    columns = ", ".join(JOURNAL_COLUMNS)
    try:
        cursor.execute(
            f"{staged} INSERT INTO {Journal._meta.db_table} ({columns}) "
            f"SELECT {columns} FROM staged "
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key, id"
        )
    except IntegrityError as error:
        # The database refuses journals dated in a closed month (district.ledger.periods).
        refusal = closed_period_error(error)
        if refusal is None:
            raise
        raise refusal from error
    return dict(cursor.fetchall())


def _posted_before(prepared: list[_Prepared], inserted: dict[str, int]) -> dict[str, int]:
    """{key: id} of the journals posted before under the drafts' keys, each the same journal
    (same fingerprint) or a refusal."""
    fingerprints = {j.key: j.row[6] for j in prepared if j.key not in inserted}
    found = {}
    for journal_id, key, fingerprint in Journal.objects.filter(
        idempotency_key__in=fingerprints
    ).values_list("id", "idempotency_key", "fingerprint"):
        if fingerprint != fingerprints[key]:
            raise key_reused(journal_id)
        found[key] = journal_id
    return found


def _copy_lines(cursor, new: list[_Prepared], ids: dict[str, int]) -> None:
    """COPY the new journals' lines. Their text is made here rather than by the generic
    copy_line: the columns' types are known (ids, Decimal, date), so only a memo needs
    escaping, and a bill run chunk writes about 10,000 lines."""
    copy_rows(
        cursor,
        JournalLine._meta.db_table,
        LINE_COLUMNS,
        lines=[
            f"{journal_id}\t{gl_account_id}\t{amount}\t"
            f"{NULL if service_account_id is None else service_account_id}\t"
            f"{effective_date}\t{copy_text(memo) if memo else ''}"
            for journal in new
            # The date printed once a journal, not once a line.
            for journal_id, effective_date in ((ids[journal.key], str(journal.effective_date)),)
            for gl_account_id, _receivable, amount, service_account_id, memo in journal.lines
        ],
    )


def _move_balances(cursor, new: list[_Prepared], posted_at) -> dict[int, Decimal]:
    """Add the new receivable lines to the AccountBalance cache, summed per account and
    locked in ascending account id (a stable lock order: no deadlock between two postings);
    returns the balances after."""
    changes: dict[int, Decimal] = defaultdict(Decimal)
    for journal in new:
        for line in journal.lines:
            if line.is_receivable and line.service_account_id is not None:
                changes[line.service_account_id] += line.amount
    if not changes:
        return {}
    table = AccountBalance._meta.db_table
    staged = stage_rows(
        cursor,
        "ledger_accountbalance_stage",
        table,
        BALANCE_COLUMNS,
        (f"{account_id}\t{change}\t{posted_at}" for account_id, change in changes.items()),
    )
    cursor.execute(
        f"{staged} INSERT INTO {table} ({', '.join(BALANCE_COLUMNS)}) "
        f"SELECT {', '.join(BALANCE_COLUMNS)} FROM staged ORDER BY service_account_id "
        f"ON CONFLICT (service_account_id) DO UPDATE SET balance = {table}.balance"
        " + EXCLUDED.balance, updated_at = EXCLUDED.updated_at"
        " RETURNING service_account_id, balance"
    )
    return dict(cursor.fetchall())
