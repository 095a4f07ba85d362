"""Reads of refunds: the refund register (every movement of the refunds payable GL account in a
date range, from the ledger) and the account page's refunds (a fixed number of queries)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection

from accounts.models import ServiceAccount
from billing.refunds.kinds import origin_of_journal_key
from billing.refunds.selectors import mailing_address
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.money import ZERO

SOURCE_DEPOSIT = "Deposit refund"
SOURCE_REVERSAL = "Reversal"


_KIND_LABELS = dict(Journal.Kind.choices)


def refund_source(kind: str, key: str) -> str:
    """Where a refunds payable movement came from, by the key each poster gives its journal:
    accounts' deposit settlement, or billing's credit refund (asked at the counter or by the
    final-bill step)."""
    if kind == Journal.Kind.REVERSAL:
        return SOURCE_REVERSAL
    if key.startswith("deposit-settle:"):
        return SOURCE_DEPOSIT
    origin = origin_of_journal_key(key)
    if origin is not None:
        return origin.label
    return _KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class RegisterRow:
    date: date
    journal_id: int
    account: ServiceAccount | None
    payee: str
    address: list[str]
    amount: Decimal  # a refund owed (credit to refunds payable) is positive
    source: str
    approved_by: str


@dataclass(frozen=True)
class RefundRegister:
    start: date
    end: date
    rows: list[RegisterRow] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)


def _user_name(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


def refund_register(*, start: date, end: date) -> RefundRegister:
    """Every line on refunds payable dated start..end, oldest first (3 queries).

    A line not tagged with a service account (billing's final-credit refund tags only its
    receivable line) takes the account of its journal's tagged line.
    """
    lines = list(
        JournalLine.objects.filter(
            gl_account__purpose=Purpose.REFUNDS_PAYABLE,
            effective_date__gte=start,
            effective_date__lte=end,
        )
        .select_related("journal__posted_by")
        .order_by("effective_date", "journal_id", "id")
    )
    untagged = {line.journal_id for line in lines if line.service_account_id is None}
    account_of_journal: dict[int, int] = {}
    if untagged:
        for journal_id, account_id in (
            JournalLine.objects.filter(journal_id__in=untagged, service_account_id__isnull=False)
            .order_by("id")
            .values_list("journal_id", "service_account_id")
        ):
            account_of_journal.setdefault(journal_id, account_id)
    account_ids = {
        line.service_account_id or account_of_journal.get(line.journal_id) for line in lines
    } - {None}
    accounts = (
        ServiceAccount.objects.select_related("customer", "premise", "stop").in_bulk(account_ids)
        if account_ids
        else {}
    )
    rows = []
    for line in lines:
        account = accounts.get(line.service_account_id or account_of_journal.get(line.journal_id))
        rows.append(
            RegisterRow(
                date=line.effective_date,
                journal_id=line.journal_id,
                account=account,
                payee=account.customer.display_name if account else "",
                address=mailing_address(account) if account else [],
                amount=-line.amount,
                source=refund_source(line.journal.kind, line.journal.idempotency_key),
                approved_by=_user_name(line.journal.posted_by),
            )
        )
    return RefundRegister(start=start, end=end, rows=rows)


# -- the account page --------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRefund:
    date: date
    journal_id: int
    amount: Decimal
    source: str


@dataclass(frozen=True)
class AccountRefunds:
    balance: Decimal  # what the account owes (negative: a credit)
    refunds: list[AccountRefund]


# One statement for the account page (its query budget is tight): a first row carrying the
# balance, then the refunds payable lines of every journal that touches the account (billing's
# final-credit refund tags only its receivable line, so the journal decides, not the line).
_ACCOUNT_REFUNDS_SQL = """
    SELECT 0 AS part, NULL::date, NULL::bigint, NULL::numeric, NULL::varchar, NULL::varchar,
           (SELECT balance FROM ledger_accountbalance WHERE service_account_id = %(account)s)
    UNION ALL
    SELECT 1, line.effective_date, line.journal_id, line.amount, journal.kind,
           journal.idempotency_key, NULL
    FROM ledger_journalline line
    JOIN ledger_journal journal ON journal.id = line.journal_id
    JOIN ledger_glaccount gl ON gl.id = line.gl_account_id
    WHERE gl.purpose = %(purpose)s
      AND line.journal_id IN (SELECT journal_id FROM ledger_journalline
                              WHERE service_account_id = %(account)s)
    ORDER BY 1, 2 DESC, 3 DESC
"""


def account_refunds(account_id: int) -> AccountRefunds:
    """The account's balance and refunds payable lines, newest first (1 query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _ACCOUNT_REFUNDS_SQL, {"account": account_id, "purpose": Purpose.REFUNDS_PAYABLE.value}
        )
        rows = cursor.fetchall()
    balance = rows[0][6] if rows and rows[0][6] is not None else ZERO
    return AccountRefunds(
        balance=Decimal(balance).quantize(ZERO),
        refunds=[
            AccountRefund(
                date=day,
                journal_id=journal_id,
                amount=-Decimal(amount).quantize(ZERO),
                source=refund_source(kind, key),
            )
            for part, day, journal_id, amount, kind, key, _ in rows
            if part == 1
        ],
    )
