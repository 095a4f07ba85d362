"""Posting to the books: every write to the ledger goes through journal_post, journal_reverse
or, for many journals at once, journals_post_many (district.ledger.bulk_posting; its two
halves, journals_prepare and journals_post_prepared, let a bulk loader check and make its
journals in Python while its connection is busy with other statements).

Invariants kept here (and enforced again by the database): every journal sums to zero, has at
least two lines, and is never changed once written; a repeated idempotency key returns the first
journal instead of posting twice; the AccountBalance cache moves in the same transaction as the
receivable lines it sums. The checks themselves live in district.ledger.rules.
"""

from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from district.errors import ServiceError
from district.ledger.bulk_posting import (
    JournalDraft,
    PostedJournals,
    PreparedJournals,
    balances_checked_once,
    journals_post_many,
    journals_post_prepared,
    journals_prepare,
)
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.periods import closed_period_error
from district.ledger.purposes import Purpose
from district.ledger.rules import (
    Line,
    ResolvedLine,
    check_balanced,
    check_common,
    check_kind,
    journal_fingerprint,
    key_reused,
    resolve,
)

__all__ = [
    "JournalDraft",
    "Line",
    "PostedJournals",
    "PreparedJournals",
    "balances_checked_once",
    "journal_fingerprint",
    "journal_post",
    "journal_reverse",
    "journals_post_many",
    "journals_post_prepared",
    "journals_prepare",
]


@contextmanager
def _refusing_closed_periods():
    """The database refuses a journal dated in a closed month: say so in words."""
    try:
        yield
    except IntegrityError as error:
        refusal = closed_period_error(error)
        if refusal is None:
            raise
        raise refusal from error


def _insert_journal(
    *,
    kind: str,
    memo: str,
    effective_date: date,
    by,
    idempotency_key: str,
    fingerprint: str,
    source_type_id: int | None,
    source_id: str,
    reverses_id: int | None,
) -> Journal | None:
    """Insert the journal unless its key exists (the unique constraint decides, not a lookup).

    Returns the new journal, or None when another posting already holds the key; a concurrent
    posting with the same key makes this wait for it to commit or roll back.
    """
    posted_at = timezone.now()
    posted_by_id = by.pk if by is not None else None
    with connection.cursor() as cursor, _refusing_closed_periods():
        cursor.execute(
            f"""
            INSERT INTO {Journal._meta.db_table}
                (kind, memo, effective_date, posted_at, posted_by_id, idempotency_key,
                 fingerprint, source_type_id, source_id, reverses_id)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
            """,
            [
                kind,
                memo,
                effective_date,
                posted_at,
                posted_by_id,
                idempotency_key,
                fingerprint,
                source_type_id,
                source_id,
                reverses_id,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    journal = Journal(
        id=row[0],
        kind=kind,
        memo=memo,
        effective_date=effective_date,
        posted_at=posted_at,
        posted_by_id=posted_by_id,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        source_type_id=source_type_id,
        source_id=source_id,
        reverses_id=reverses_id,
    )
    journal._state.adding = False
    journal._state.db = connection.alias
    return journal


def _existing_for_retry(*, idempotency_key: str, fingerprint: str) -> Journal:
    existing = Journal.objects.get(idempotency_key=idempotency_key)
    if existing.fingerprint != fingerprint:
        raise key_reused(existing.pk)
    return existing


def _update_balances(lines: Sequence[ResolvedLine]) -> None:
    """Add the receivable lines to the AccountBalance cache, locking rows in id order."""
    changes: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.is_receivable and line.service_account_id is not None:
            changes[line.service_account_id] += line.amount
    if not changes:
        return
    ordered = sorted(changes.items())  # a stable lock order: no deadlock between two postings
    now = timezone.now()
    table = AccountBalance._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(ordered))
    parameters = [value for account_id, change in ordered for value in (account_id, change, now)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (service_account_id, balance, updated_at)
            VALUES {values}
            ON CONFLICT (service_account_id) DO UPDATE
                SET balance = {table}.balance + EXCLUDED.balance,
                    updated_at = EXCLUDED.updated_at
            """,
            parameters,
        )


def _write(
    *,
    kind: str,
    memo: str,
    lines: Sequence[ResolvedLine],
    by,
    idempotency_key: str,
    requested_date: date | None,
    source_type_id: int | None,
    source_id: str,
    reverses_id: int | None,
) -> Journal:
    fingerprint = journal_fingerprint(
        kind=kind,
        effective_date=requested_date,
        lines=[(line.gl_account_id, line.amount, line.service_account_id) for line in lines],
        reverses_id=reverses_id,
    )
    effective_date = requested_date or timezone.localdate()
    journal = _insert_journal(
        kind=kind,
        memo=memo,
        effective_date=effective_date,
        by=by,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        source_type_id=source_type_id,
        source_id=source_id,
        reverses_id=reverses_id,
    )
    if journal is None:
        return _existing_for_retry(idempotency_key=idempotency_key, fingerprint=fingerprint)
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                journal_id=journal.pk,
                gl_account_id=line.gl_account_id,
                amount=line.amount,
                service_account_id=line.service_account_id,
                effective_date=effective_date,
                memo=line.memo,
            )
            for line in lines
        ]
    )
    _update_balances(lines)
    return journal


@transaction.atomic
def journal_post(
    *,
    kind: str,
    memo: str,
    lines: Sequence[Line],
    by,
    idempotency_key: str,
    effective_date: date | None = None,
    source=None,
) -> Journal:
    """Post one balanced journal; a repeated key returns the first journal (nothing new written).

    A repeated key with different lines, kind or date is refused. `source` is the business
    record the journal books (a bill, a payment...), saved in source_type/source_id.
    """
    check_common(memo=memo, idempotency_key=idempotency_key, effective_date=effective_date)
    check_kind(kind)
    resolved = resolve(lines)
    check_balanced(resolved)
    source_type_id, source_id = None, ""
    if source is not None:
        if source.pk is None:
            raise ServiceError("The record being posted has not been saved.", code="source")
        source_type_id = ContentType.objects.get_for_model(source).pk
        source_id = str(source.pk)
    return _write(
        kind=kind,
        memo=memo,
        lines=resolved,
        by=by,
        idempotency_key=idempotency_key,
        requested_date=effective_date,
        source_type_id=source_type_id,
        source_id=source_id,
        reverses_id=None,
    )


@transaction.atomic
def journal_reverse(
    *,
    journal: Journal,
    by,
    reason: str,
    idempotency_key: str,
    effective_date: date | None = None,
) -> Journal:
    """Post a REVERSAL journal negating every line of `journal`, dated today unless given.

    A journal is reversed at most once (the one-to-one `reverses` link refuses a second at the
    database), and a reversal is never itself reversed: to restore entries that were reversed
    by mistake, post them again as a new journal. Reversals post even to GL accounts closed
    since, so a mistake can always be undone. Idempotent by key like journal_post.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give a reason for the reversal.", code="reason")
    memo = f"Reversal of J{journal.pk}: {reason}"[:255]
    check_common(memo=memo, idempotency_key=idempotency_key, effective_date=effective_date)
    if journal.kind == Journal.Kind.REVERSAL:
        raise ServiceError(
            f"J{journal.pk} is itself a reversal and cannot be reversed; "
            "post the entries again as a new journal instead.",
            code="reverse_reversal",
        )
    receivable_id = (
        GLAccount.objects.filter(purpose=Purpose.AR_CUSTOMERS).values_list("pk", flat=True).first()
    )
    negated = [
        ResolvedLine(
            gl_account_id=line.gl_account_id,
            is_receivable=line.gl_account_id == receivable_id,
            amount=-line.amount,
            service_account_id=line.service_account_id,
            memo=line.memo,
        )
        for line in JournalLine.objects.filter(journal_id=journal.pk).order_by("id")
    ]
    check_balanced(negated)
    already = Journal.objects.filter(reverses_id=journal.pk).only("id", "idempotency_key").first()
    if already is not None and already.idempotency_key != idempotency_key:
        raise ServiceError(
            f"J{journal.pk} was already reversed (by J{already.pk}).", code="already_reversed"
        )
    try:
        return _write(
            kind=Journal.Kind.REVERSAL,
            memo=memo,
            lines=negated,
            by=by,
            idempotency_key=idempotency_key,
            requested_date=effective_date,
            source_type_id=journal.source_type_id,
            source_id=journal.source_id,
            reverses_id=journal.pk,
        )
    except IntegrityError as error:
        # A concurrent reversal with another key won the unique `reverses` link.
        raise ServiceError(
            f"J{journal.pk} was already reversed.", code="already_reversed"
        ) from error
