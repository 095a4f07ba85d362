"""Posting to the books: every write to the ledger goes through journal_post or journal_reverse.

Invariants kept here (and enforced again by the database): every journal sums to zero, has at
least two lines, and is never changed once written; a repeated idempotency key returns the first
journal instead of posting twice; the AccountBalance cache moves in the same transaction as the
receivable lines it sums.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from district.errors import ServiceError
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.money import CENT, format_money

# MoneyField holds 12 digits, two of them cents.
_LARGEST_AMOUNT = Decimal("9999999999.99")


@dataclass(frozen=True)
class Line:
    """One line to post: a GL account by purpose slug, a signed amount (debit > 0, credit < 0)."""

    gl: str
    amount: Decimal
    service_account_id: int | None = None
    memo: str = ""


@dataclass(frozen=True)
class _ResolvedLine:
    gl_account_id: int
    is_receivable: bool
    amount: Decimal
    service_account_id: int | None
    memo: str


def _amount(value, *, position: int) -> Decimal:
    """A line amount as an exact Decimal of cents; floats are a programming error."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(
            f"Line {position}: amounts must be Decimal (or int), not {type(value).__name__}."
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise ServiceError(f"Line {position}: the amount is not a number.", code="invalid")
    if amount != amount.quantize(CENT):
        raise ServiceError(
            f"Line {position}: amounts are in dollars and cents (at most two decimals).",
            code="cents",
        )
    if amount == 0:
        raise ServiceError(f"Line {position}: the amount may not be zero.", code="zero")
    if abs(amount) > _LARGEST_AMOUNT:
        raise ServiceError(f"Line {position}: the amount is too large.", code="too_large")
    return amount.quantize(CENT)


def _check_common(*, memo: str, idempotency_key: str, effective_date) -> None:
    if not idempotency_key or not idempotency_key.strip():
        raise ServiceError("A request key is required to post to the ledger.", code="key")
    if len(idempotency_key) > 120:
        raise ServiceError("The request key is longer than 120 characters.", code="key")
    if not memo or not memo.strip():
        raise ServiceError("Describe the entry (a memo is required).", code="memo")
    if len(memo) > 255:
        raise ServiceError("The memo is longer than 255 characters.", code="memo")
    if effective_date is not None and (
        isinstance(effective_date, datetime) or not isinstance(effective_date, date)
    ):
        raise TypeError("effective_date must be a date, not a datetime or text.")


def _check_balanced(lines: Sequence[_ResolvedLine]) -> None:
    if len(lines) < 2:
        raise ServiceError("A journal needs at least two lines.", code="too_few_lines")
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total != 0:
        raise ServiceError(
            f"Debits and credits differ by {format_money(total)}; a journal must balance.",
            code="unbalanced",
        )


def _resolve(lines: Sequence[Line]) -> list[_ResolvedLine]:
    """Validate the lines and find their GL accounts (one query)."""
    if len(lines) < 2:
        raise ServiceError("A journal needs at least two lines.", code="too_few_lines")
    for position, line in enumerate(lines, start=1):
        if not isinstance(line, Line):
            raise TypeError(f"Line {position}: expected a ledger Line, not {type(line).__name__}.")
    amounts = [_amount(line.amount, position=n) for n, line in enumerate(lines, start=1)]
    for position, line in enumerate(lines, start=1):
        if line.service_account_id is not None and (
            isinstance(line.service_account_id, bool)
            or not isinstance(line.service_account_id, int)
        ):
            raise TypeError(f"Line {position}: service_account_id must be an int.")
        if len(line.memo) > 255:
            raise ServiceError(f"Line {position}: the memo is longer than 255 characters.")
    accounts = {
        account.purpose: account
        for account in GLAccount.objects.filter(purpose__in={line.gl for line in lines})
    }
    unknown = sorted({line.gl for line in lines} - accounts.keys())
    if unknown:
        raise ServiceError(
            f"No GL account is set up for {', '.join(unknown)}.", code="unknown_gl_account"
        )
    closed = sorted({f"{a.code} {a.name}" for a in accounts.values() if not a.is_active})
    if closed:
        raise ServiceError(
            f"GL account {', '.join(closed)} is closed to posting.", code="inactive_gl_account"
        )
    return [
        _ResolvedLine(
            gl_account_id=accounts[line.gl].pk,
            is_receivable=line.gl == Purpose.AR_CUSTOMERS,
            amount=amount,
            service_account_id=line.service_account_id,
            memo=line.memo,
        )
        for line, amount in zip(lines, amounts, strict=True)
    ]


def journal_fingerprint(
    *,
    kind: str,
    effective_date: date | None,
    lines: Iterable[tuple[int, Decimal, int | None]],
    reverses_id: int | None = None,
) -> str:
    """sha256 of what a journal posts: (GL account id, amount, service account id) per line.

    Independent of line order and memos. The effective date is the one asked for (None when
    the caller let it default to today), so a retry after midnight is still the same request.
    Bulk loaders that write journals with COPY use this too, so a later retry through
    journal_post recognises their journals.
    """
    normalised = sorted(
        [gl_account_id, str(Decimal(amount).quantize(CENT)), service_account_id or 0]
        for gl_account_id, amount, service_account_id in lines
    )
    payload = {
        "kind": str(kind),
        "effective_date": effective_date.isoformat() if effective_date else None,
        "reverses": reverses_id,
        "lines": normalised,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


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
    with connection.cursor() as cursor:
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
        raise ServiceError(
            f"This request was already posted with different amounts or accounts "
            f"(journal J{existing.pk}). Nothing was posted; use a new request for a new entry.",
            code="key_reused",
        )
    return existing


def _update_balances(lines: Sequence[_ResolvedLine]) -> None:
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
    lines: Sequence[_ResolvedLine],
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
    _check_common(memo=memo, idempotency_key=idempotency_key, effective_date=effective_date)
    if kind not in Journal.Kind.values:
        raise ServiceError(f"“{kind}” is not a kind of journal.", code="kind")
    if kind == Journal.Kind.REVERSAL:
        raise ServiceError("Reversals are posted with journal_reverse.", code="kind")
    resolved = _resolve(lines)
    _check_balanced(resolved)
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
    _check_common(memo=memo, idempotency_key=idempotency_key, effective_date=effective_date)
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
        _ResolvedLine(
            gl_account_id=line.gl_account_id,
            is_receivable=line.gl_account_id == receivable_id,
            amount=-line.amount,
            service_account_id=line.service_account_id,
            memo=line.memo,
        )
        for line in JournalLine.objects.filter(journal_id=journal.pk).order_by("id")
    ]
    _check_balanced(negated)
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
