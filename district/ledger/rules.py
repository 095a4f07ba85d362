"""The rules every posting keeps, checked before anything is written: the lines (ledger Lines,
amounts exact to the cent, never zero, within the column), the journal (a key, a memo, a date,
a kind), balance and the GL accounts named (set up and open); and the fingerprint that tells a
retry from a different journal under the same key. Used by journal_post, journal_reverse and
journals_post_many alike.
"""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _json_text
from typing import NamedTuple

from district.errors import ServiceError
from district.ledger.models import GLAccount, Journal
from district.ledger.purposes import Purpose
from district.money import CENT, format_money

# MoneyField holds 12 digits, two of them cents.
_LARGEST_AMOUNT = Decimal("9999999999.99")


class Line(NamedTuple):
    """One line to post: a GL account by purpose slug, a signed amount (debit > 0, credit < 0).

    An immutable tuple: a bill run makes thousands a chunk, and a tuple is much cheaper to make
    than a frozen dataclass."""

    gl: str
    amount: Decimal
    service_account_id: int | None = None
    memo: str = ""


class ResolvedLine(NamedTuple):
    """A checked line with its GL account (a tuple: a chunk of a bill run makes thousands)."""

    gl_account_id: int
    is_receivable: bool
    amount: Decimal
    service_account_id: int | None
    memo: str


def _amount(value, *, position: int) -> Decimal:
    """A line amount as an exact Decimal of cents; floats are a programming error."""
    if type(value) is Decimal:  # the usual case, checked first: a bill run has millions
        amount = value
    elif isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(
            f"Line {position}: amounts must be Decimal (or int), not {type(value).__name__}."
        )
    else:
        amount = Decimal(value)
    if not amount.is_finite():
        raise ServiceError(f"Line {position}: the amount is not a number.", code="invalid")
    cents = amount.quantize(CENT)
    if amount != cents:
        raise ServiceError(
            f"Line {position}: amounts are in dollars and cents (at most two decimals).",
            code="cents",
        )
    if not cents:
        raise ServiceError(f"Line {position}: the amount may not be zero.", code="zero")
    if abs(cents) > _LARGEST_AMOUNT:
        raise ServiceError(f"Line {position}: the amount is too large.", code="too_large")
    return cents


def check_common(*, memo: str, idempotency_key: str, effective_date) -> None:
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


def check_balanced(lines: Sequence[ResolvedLine]) -> None:
    if len(lines) < 2:
        raise ServiceError("A journal needs at least two lines.", code="too_few_lines")
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total != 0:
        raise ServiceError(
            f"Debits and credits differ by {format_money(total)}; a journal must balance.",
            code="unbalanced",
        )


def checked_amounts(lines: Sequence[Line]) -> list[Decimal]:
    """Each line's amount, exact to the cent, once every line has passed the checks that need
    no database (at least two lines, ledger Lines, amounts, account ids, memos)."""
    if len(lines) < 2:
        raise ServiceError("A journal needs at least two lines.", code="too_few_lines")
    for position, line in enumerate(lines, start=1):
        if not isinstance(line, Line):
            raise TypeError(f"Line {position}: expected a ledger Line, not {type(line).__name__}.")
    amounts = [_amount(line.amount, position=n) for n, line in enumerate(lines, start=1)]
    for position, (_gl, _value, account_id, memo) in enumerate(lines, start=1):
        if (
            account_id is not None
            and type(account_id) is not int
            and (isinstance(account_id, bool) or not isinstance(account_id, int))
        ):
            raise TypeError(f"Line {position}: service_account_id must be an int.")
        if len(memo) > 255:
            raise ServiceError(f"Line {position}: the memo is longer than 255 characters.")
    return amounts


def gl_accounts(purposes: set[str]) -> dict[str, tuple[int, bool]]:
    """{purpose: (GL account id, is the receivable)} of these purposes, every one set up and
    open (one query); refuses an unknown or closed one."""
    accounts = {
        account.purpose: account for account in GLAccount.objects.filter(purpose__in=purposes)
    }
    unknown = sorted(set(purposes) - accounts.keys())
    if unknown:
        raise ServiceError(
            f"No GL account is set up for {', '.join(unknown)}.", code="unknown_gl_account"
        )
    closed = sorted({f"{a.code} {a.name}" for a in accounts.values() if not a.is_active})
    if closed:
        raise ServiceError(
            f"GL account {', '.join(closed)} is closed to posting.", code="inactive_gl_account"
        )
    receivable = str(Purpose.AR_CUSTOMERS)
    return {str(purpose): (a.pk, purpose == receivable) for purpose, a in accounts.items()}


def resolved_lines(
    lines: Sequence[Line], amounts: Sequence[Decimal], accounts: dict[str, tuple[int, bool]]
) -> list[ResolvedLine]:
    """The lines with their GL accounts (`accounts` from gl_accounts)."""
    return [
        ResolvedLine(*accounts[line.gl], amount, line.service_account_id, line.memo)
        for line, amount in zip(lines, amounts, strict=True)
    ]


def resolve(lines: Sequence[Line]) -> list[ResolvedLine]:
    """Validate the lines and find their GL accounts (one query)."""
    amounts = checked_amounts(lines)
    return resolved_lines(lines, amounts, gl_accounts({line.gl for line in lines}))


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

    The text hashed is what json.dumps(..., sort_keys=True) first wrote for these fields (tests
    pin it): written out directly, as a bill run hashes one journal a bill and json.dumps took
    three quarters of this function's time.
    """
    normalised = sorted(
        [
            (gl_account_id, str(Decimal(amount).quantize(CENT)), service_account_id or 0)
            for gl_account_id, amount, service_account_id in lines
        ]
    )
    text = "".join(
        (
            '{"effective_date": ',
            f'"{effective_date.isoformat()}"' if effective_date else "null",
            ', "kind": ',
            _json_text(str(kind)),
            ', "lines": [',
            ", ".join([f'[{gl}, "{amount}", {account}]' for gl, amount, account in normalised]),
            '], "reverses": ',
            "null" if reverses_id is None else str(reverses_id),
            "}",
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


# Kind.values builds a new list at each use.
_KINDS = frozenset(Journal.Kind.values)


def check_kind(kind: str) -> None:
    if kind not in _KINDS:
        raise ServiceError(f"“{kind}” is not a kind of journal.", code="kind")
    if kind == Journal.Kind.REVERSAL:
        raise ServiceError("Reversals are posted with journal_reverse.", code="kind")


def key_reused(journal_id: int) -> ServiceError:
    return ServiceError(
        f"This request was already posted with different amounts or accounts "
        f"(journal J{journal_id}). Nothing was posted; use a new request for a new entry.",
        code="key_reused",
    )
