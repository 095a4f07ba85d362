"""Reads of the books: balances, statements, aging, the trial balance and the ledger's self-check.

Everything takes service account ids (the ledger sits below accounts and never imports it).
Sums and windows run in PostgreSQL, one query per read (the self-check: one per rule), so they
stay fast at district scale.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.money import ZERO
from district.registries import Registry

# The GL account whose lines make up customers' balances (and the AccountBalance cache).
RECEIVABLE_PURPOSE = Purpose.AR_CUSTOMERS.value
_LINES = JournalLine._meta.db_table
_JOURNALS = Journal._meta.db_table
_GL_ACCOUNTS = GLAccount._meta.db_table
_BALANCES = AccountBalance._meta.db_table
# The receivable GL account's id, as a scalar subquery (evaluated once per statement).
_RECEIVABLE_ID = f"(SELECT id FROM {_GL_ACCOUNTS} WHERE purpose = '{RECEIVABLE_PURPOSE}')"


def _money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(ZERO)


# --- balances ---------------------------------------------------------------------------------


def account_balance(service_account_id: int) -> Decimal:
    """What the customer owes (positive) or has in credit (negative), from the cache."""
    balance = (
        AccountBalance.objects.filter(service_account_id=service_account_id)
        .values_list("balance", flat=True)
        .first()
    )
    return _money(balance)


# The name under which `balance_annotation()` puts the balance on a service account row.
BALANCE_ANNOTATION = "ledger_balance"


def balance_annotation() -> dict:
    """The balance cache's figure as an annotation of a service account query (a correlated
    subquery on its primary key), so a page reads an account and what it owes in one query.

    The cache is written with every journal in the same transaction: it is never stale.
    """
    balance = AccountBalance.objects.filter(service_account_id=OuterRef("pk")).values("balance")
    return {BALANCE_ANNOTATION: Subquery(balance[:1])}


def balance_of(service_account) -> Decimal:
    """The balance of an account row: its annotation when the query carried it, else one query."""
    if hasattr(service_account, BALANCE_ANNOTATION):
        return _money(getattr(service_account, BALANCE_ANNOTATION))
    return account_balance(service_account.pk)


def account_balances(service_account_ids: Iterable[int]) -> dict[int, Decimal]:
    """Balances of several accounts in one query; accounts without lines have 0."""
    ids = list(service_account_ids)
    balances = dict.fromkeys(ids, ZERO)
    if ids:
        for account_id, balance in AccountBalance.objects.filter(
            service_account_id__in=ids
        ).values_list("service_account_id", "balance"):
            balances[account_id] = _money(balance)
    return balances


# --- statement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    date: date
    journal_id: int
    kind: str  # the journal kind's label ("Bill", "Payment", ...)
    memo: str
    amount: Decimal  # positive = charge, negative = payment or credit
    running_balance: Decimal


_KIND_LABELS = dict(Journal.Kind.choices)


def account_activity(service_account_id: int, *, limit: int | None = None) -> list[StatementLine]:
    """The account's receivable lines, oldest first, each with the balance after it.

    With `limit`, only the latest lines, their running balances still counting every line
    before them (the window runs over all lines, the limit applies after it).
    """
    sql = f"""
        SELECT effective_date, journal_id, kind, memo, amount, running_balance FROM (
            SELECT line.id, line.effective_date, line.journal_id, journal.kind,
                   COALESCE(NULLIF(line.memo, ''), journal.memo) AS memo, line.amount,
                   SUM(line.amount) OVER (
                       ORDER BY line.effective_date, line.id ROWS UNBOUNDED PRECEDING
                   ) AS running_balance
            FROM {_LINES} line JOIN {_JOURNALS} journal ON journal.id = line.journal_id
            WHERE line.service_account_id = %s AND line.gl_account_id = {_RECEIVABLE_ID}
        ) statement
        ORDER BY effective_date DESC, id DESC
    """
    parameters: list = [service_account_id]
    if limit is not None:
        sql += " LIMIT %s"
        parameters.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    return [
        StatementLine(
            date=effective_date,
            journal_id=journal_id,
            kind=_KIND_LABELS.get(kind, kind),
            memo=memo,
            amount=_money(amount),
            running_balance=_money(running),
        )
        for effective_date, journal_id, kind, memo, amount, running in reversed(rows)
    ]


# --- aging ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aging:
    """What is owed by age of the charge; a credit balance shows as a negative `current`."""

    current: Decimal  # 0-29 days
    days_30: Decimal  # 30-59
    days_60: Decimal  # 60-89
    days_90: Decimal  # 90-119
    days_120_plus: Decimal
    total: Decimal

    @property
    def past_due(self) -> Decimal:
        return self.days_30 + self.days_60 + self.days_90 + self.days_120_plus


# Balance forward: each account's credits (payments, adjustments, reversals) pay its oldest
# charges first, and what is left of each charge ages from its effective date:
#   open part of a charge = clamp(charges up to and including it - all credits, 0, amount)
# Every charge 120 days old or more lands in the last bucket, so only the last 120 days'
# charges need a running sum (a window over few rows); older ones are summed per account in
# the same pass that totals balances and credits. An account's excess credit counts in current.
_AGING_SQL = f"""
    WITH per_account AS (
        SELECT service_account_id,
               SUM(amount) AS balance,
               COALESCE(SUM(amount) FILTER (WHERE amount < 0), 0) AS credits,
               COALESCE(SUM(amount) FILTER (
                   WHERE amount > 0 AND effective_date <= %(as_of)s::date - 120
               ), 0) AS old_charges
        FROM {_LINES}
        WHERE gl_account_id = {_RECEIVABLE_ID} AND service_account_id IS NOT NULL
          AND effective_date <= %(as_of)s {{account_filter}}
        GROUP BY service_account_id
    ),
    recent_charges AS (
        SELECT service_account_id, %(as_of)s::date - effective_date AS age, amount,
               SUM(amount) OVER (
                   PARTITION BY service_account_id ORDER BY effective_date, id
                   ROWS UNBOUNDED PRECEDING
               ) AS recent_to_here
        FROM {_LINES}
        WHERE gl_account_id = {_RECEIVABLE_ID} AND service_account_id IS NOT NULL
          AND amount > 0 AND effective_date <= %(as_of)s
          AND effective_date > %(as_of)s::date - 120 {{account_filter}}
    ),
    open_recent AS (
        SELECT recent.age,
               GREATEST(0, LEAST(
                   recent.amount, account.old_charges + recent.recent_to_here + account.credits
               )) AS open_amount
        FROM recent_charges recent JOIN per_account account USING (service_account_id)
    )
    SELECT recent.current + accounts.excess_credit, recent.days_30, recent.days_60,
           recent.days_90, accounts.days_120_plus, accounts.total
    FROM (
        SELECT COALESCE(SUM(open_amount) FILTER (WHERE age < 30), 0) AS current,
               COALESCE(SUM(open_amount) FILTER (WHERE age >= 30 AND age < 60), 0) AS days_30,
               COALESCE(SUM(open_amount) FILTER (WHERE age >= 60 AND age < 90), 0) AS days_60,
               COALESCE(SUM(open_amount) FILTER (WHERE age >= 90), 0) AS days_90
        FROM open_recent
    ) recent CROSS JOIN (
        SELECT COALESCE(SUM(LEAST(balance, 0)), 0) AS excess_credit,
               COALESCE(SUM(GREATEST(0, old_charges + credits)), 0) AS days_120_plus,
               COALESCE(SUM(balance), 0) AS total
        FROM per_account
    ) accounts
"""


def _aging(*, as_of: date | None, service_account_id: int | None) -> Aging:
    as_of = as_of or timezone.localdate()
    account_filter = (
        "AND service_account_id = %(account)s" if service_account_id is not None else ""
    )
    sql = _AGING_SQL.replace("{account_filter}", account_filter)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of, "account": service_account_id})
        row = cursor.fetchone()
    current, days_30, days_60, days_90, days_120_plus, total = (_money(value) for value in row)
    return Aging(current, days_30, days_60, days_90, days_120_plus, total)


# The district's aging at several dates (a trend's month ends) in one statement, the same
# figures as `_AGING_SQL` at each date. Per account, balance forward pays the oldest charges
# first, so the charges still open sum to GREATEST(0, balance): what is open of the last 120
# days' charges is found charge by charge (as above), and the 120-days-and-over bucket is the
# rest of the open charges, GREATEST(0, balance) minus the recent ones' open part.
#   - Each line is placed in the slot of the first date on or after it (width_bucket over the
#     dates plus one day), and each account's slots run forward to its balance and credits
#     there. Only slots with activity make rows: a slot's change to the district's sums (of
#     balances, of what is owed, of credit balances) is the new value less the one before,
#     and the dates' sums run forward over those changes.
#   - A charge dated after the first date less 120 days gets its running sum of charges once
#     (the account's older charges plus a window over the recent ones) and joins the dates
#     whose last 120 days hold it, with its account's credits from the last active slot.
_AGINGS_SQL = f"""
    WITH as_of_dates AS (
        SELECT as_of, slot::int
        FROM unnest(%(dates)s::date[]) WITH ORDINALITY AS dates(as_of, slot)
    ),
    slotted AS (
        SELECT service_account_id,
               width_bucket(effective_date, %(after_dates)s::date[]) + 1 AS slot,
               SUM(amount) AS change,
               COALESCE(SUM(amount) FILTER (WHERE amount < 0), 0) AS credit_change,
               COALESCE(SUM(amount) FILTER (
                   WHERE amount > 0 AND effective_date <= %(first)s::date - 120
               ), 0) AS old_charges
        FROM {_LINES}
        WHERE gl_account_id = {_RECEIVABLE_ID} AND service_account_id IS NOT NULL
          AND effective_date <= %(last)s
        GROUP BY 1, 2
    ),
    running AS (
        SELECT service_account_id, slot, change,
               SUM(change) OVER ordered AS balance,
               SUM(credit_change) OVER ordered AS credits,
               SUM(old_charges) OVER whole AS old_charges,
               COALESCE(LEAD(slot) OVER ordered, 2147483647) AS next_slot
        FROM slotted
        WINDOW ordered AS (PARTITION BY service_account_id ORDER BY slot),
               whole AS (PARTITION BY service_account_id)
    ),
    slot_changes AS (
        SELECT slot,
               SUM(change) AS total,
               SUM(GREATEST(balance, 0) - GREATEST(balance - change, 0)) AS owed,
               SUM(LEAST(balance, 0) - LEAST(balance - change, 0)) AS excess_credit
        FROM running GROUP BY slot
    ),
    accounts AS (
        SELECT dates.slot,
               SUM(COALESCE(changes.total, 0)) OVER forward AS total,
               SUM(COALESCE(changes.owed, 0)) OVER forward AS owed,
               SUM(COALESCE(changes.excess_credit, 0)) OVER forward AS excess_credit
        FROM as_of_dates dates LEFT JOIN slot_changes changes USING (slot)
        WINDOW forward AS (ORDER BY dates.slot)
    ),
    recent_charges AS (
        SELECT service_account_id, effective_date, amount,
               SUM(amount) OVER (
                   PARTITION BY service_account_id ORDER BY effective_date, id
                   ROWS UNBOUNDED PRECEDING
               ) AS recent_to_here
        FROM {_LINES}
        WHERE gl_account_id = {_RECEIVABLE_ID} AND service_account_id IS NOT NULL
          AND amount > 0 AND effective_date <= %(last)s
          AND effective_date > %(first)s::date - 120
    ),
    open_recent AS (
        SELECT dates.slot, dates.as_of - charge.effective_date AS age,
               GREATEST(0, LEAST(
                   charge.amount, account.old_charges + charge.recent_to_here + account.credits
               )) AS open_amount
        FROM recent_charges charge
        JOIN as_of_dates dates
          ON charge.effective_date <= dates.as_of
         AND charge.effective_date > dates.as_of - 120
        JOIN running account
          ON account.service_account_id = charge.service_account_id
         AND account.slot <= dates.slot AND dates.slot < account.next_slot
    ),
    recent AS (
        SELECT slot,
               COALESCE(SUM(open_amount) FILTER (WHERE age < 30), 0) AS current,
               COALESCE(SUM(open_amount) FILTER (WHERE age >= 30 AND age < 60), 0) AS days_30,
               COALESCE(SUM(open_amount) FILTER (WHERE age >= 60 AND age < 90), 0) AS days_60,
               COALESCE(SUM(open_amount) FILTER (WHERE age >= 90), 0) AS days_90,
               COALESCE(SUM(open_amount), 0) AS open_recent
        FROM open_recent GROUP BY slot
    )
    SELECT dates.as_of,
           COALESCE(recent.current, 0) + accounts.excess_credit,
           COALESCE(recent.days_30, 0), COALESCE(recent.days_60, 0),
           COALESCE(recent.days_90, 0),
           accounts.owed - COALESCE(recent.open_recent, 0),
           accounts.total
    FROM as_of_dates dates
    JOIN accounts USING (slot)
    LEFT JOIN recent USING (slot)
    ORDER BY dates.slot
"""


def district_agings(dates: Iterable[date]) -> dict[date, Aging]:
    """The district aging at each date (a trend's month ends), all in one SQL statement: the
    same figures as `district_aging(as_of=day)` for each day."""
    dates = sorted(set(dates))
    if not dates:
        return {}
    after_dates = [day + timedelta(days=1) for day in dates]
    with connection.cursor() as cursor:
        cursor.execute(
            _AGINGS_SQL,
            {"dates": dates, "after_dates": after_dates, "first": dates[0], "last": dates[-1]},
        )
        rows = cursor.fetchall()
    return {as_of: Aging(*(_money(value) for value in values)) for as_of, *values in rows}


def account_aging(service_account_id: int, *, as_of: date | None = None) -> Aging:
    """One account's balance by age (balance forward, as of a date; today by default)."""
    return _aging(as_of=as_of, service_account_id=service_account_id)


def district_aging(*, as_of: date | None = None) -> Aging:
    """The sum of every account's aging, computed in one SQL statement."""
    return _aging(as_of=as_of, service_account_id=None)


# --- trial balance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    kind: str  # the GL account kind's label
    debit: Decimal
    credit: Decimal
    balance: Decimal  # debit positive, credit negative


@dataclass(frozen=True)
class TrialBalance:
    as_of: date
    rows: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


_GL_KIND_LABELS = dict(GLAccount.Kind.choices)


def trial_balance(*, as_of: date | None = None) -> TrialBalance:
    """Every GL account's balance as of a date (active accounts and any with lines)."""
    as_of = as_of or timezone.localdate()
    sql = f"""
        SELECT account.code, account.name, account.kind, totals.balance
        FROM {_GL_ACCOUNTS} account
        LEFT JOIN (
            SELECT gl_account_id, SUM(amount) AS balance FROM {_LINES}
            WHERE effective_date <= %s GROUP BY gl_account_id
        ) totals ON totals.gl_account_id = account.id
        WHERE account.is_active OR totals.balance IS NOT NULL
        ORDER BY account.code
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of])
        fetched = cursor.fetchall()
    rows = []
    for code, name, kind, balance in fetched:
        balance = _money(balance)
        rows.append(
            TrialBalanceRow(
                code=code,
                name=name,
                kind=_GL_KIND_LABELS.get(kind, kind),
                debit=balance if balance > 0 else ZERO,
                credit=-balance if balance < 0 else ZERO,
                balance=balance,
            )
        )
    return TrialBalance(
        as_of=as_of,
        rows=rows,
        total_debit=sum((row.debit for row in rows), ZERO),
        total_credit=sum((row.credit for row in rows), ZERO),
    )


# --- journal page -----------------------------------------------------------------------------


def journal_with_lines(journal_id: int) -> tuple[Journal, list[JournalLine]] | None:
    """A journal with its poster and reversal links, and its lines with GL accounts (2 queries)."""
    journal = (
        Journal.objects.select_related("posted_by", "reverses", "reversed_by", "source_type")
        .filter(pk=journal_id)
        .first()
    )
    if journal is None:
        return None
    lines = list(journal.lines.select_related("gl_account").order_by("id"))
    return journal, lines


# --- self-check -------------------------------------------------------------------------------


def ledger_counts() -> tuple[int, int]:
    """(journals, lines) in the books."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {_JOURNALS}), (SELECT COUNT(*) FROM {_LINES})"
        )
        journals, lines = cursor.fetchone()
    return journals, lines


_EXAMPLES = 5
# (rule, SQL returning offending ids ordered, what the ids are)
_CHECKS = [
    (
        "journal does not sum to zero",
        f"SELECT journal_id FROM {_LINES} GROUP BY journal_id HAVING SUM(amount) <> 0",
        "journals",
    ),
    (
        "journal has fewer than two lines",
        f"""SELECT journal.id FROM {_JOURNALS} journal
            LEFT JOIN {_LINES} line ON line.journal_id = journal.id
            GROUP BY journal.id HAVING COUNT(line.id) < 2""",
        "journals",
    ),
    (
        "account balance differs from its receivable lines",
        f"""SELECT cache.service_account_id FROM {_BALANCES} cache
            LEFT JOIN (
                SELECT service_account_id, SUM(amount) AS total FROM {_LINES}
                WHERE gl_account_id = {_RECEIVABLE_ID} AND service_account_id IS NOT NULL
                GROUP BY service_account_id
            ) lines USING (service_account_id)
            WHERE cache.balance <> COALESCE(lines.total, 0)""",
        "service accounts",
    ),
    (
        "account balance missing for an account with receivable lines",
        f"""SELECT line.service_account_id FROM {_LINES} line
            WHERE line.gl_account_id = {_RECEIVABLE_ID} AND line.service_account_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM {_BALANCES} cache
                              WHERE cache.service_account_id = line.service_account_id)
            GROUP BY line.service_account_id HAVING SUM(line.amount) <> 0""",
        "service accounts",
    ),
    (
        "line effective date differs from its journal's",
        f"""SELECT line.id FROM {_LINES} line JOIN {_JOURNALS} journal
                ON journal.id = line.journal_id
            WHERE line.effective_date <> journal.effective_date""",
        "lines",
    ),
]


# The rules of apps above the ledger, run after the ledger's own (_CHECKS): rule -> (query, what).
CHECKS = Registry("ledger checks", describe=lambda rule, check: f"{rule} (counts {check[1]})")


def register_check(rule: str, query: str, what: str) -> None:
    """Add a rule of an app above the ledger (e.g. cashiering: what the drawers hold equals the
    undeposited funds account): `query` returns the ids of the offending rows. Called from the
    app's registrations.py."""
    CHECKS.register(rule, (query, what))


def ledger_problems() -> list[str]:
    """Broken ledger rules, one message each naming the rule and a few offending ids."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(amount), 0) FROM {_LINES}")
        (grand_total,) = cursor.fetchone()
        if grand_total != 0:
            problems.append(f"ledger does not sum to zero: lines total {_money(grand_total)}")
        registered = [(rule, query, what) for rule, (query, what) in CHECKS.items()]
        for rule, query, what in _CHECKS + registered:
            cursor.execute(
                f"SELECT id, COUNT(*) OVER () FROM ({query}) broken(id) ORDER BY id LIMIT %s",
                [_EXAMPLES],
            )
            rows = cursor.fetchall()
            if rows:
                count = rows[0][1]
                ids = ", ".join(str(row[0]) for row in rows)
                more = f" and {count - len(rows)} more" if count > len(rows) else ""
                problems.append(f"{rule}: {what} {ids}{more}")
    return problems
