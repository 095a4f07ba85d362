"""Collections reads for many accounts at once, each a fixed number of queries.

Delinquency is read from the ledger, balance forward: payments and credits pay the oldest
charges first (as billing.penalties reasons about a bill's unpaid part), so what is still owed
on a bill and everything before it is

    open through the bill = account balance - charges posted after the bill's journal

(never below zero). A journal that was reversed and its reversal are left out of the charges,
so a cancelled bill or a returned payment does not shift what the others owe. A bill is unpaid
while its open-through amount is above zero; the oldest unpaid bill, once past its due date,
identifies the delinquency, and the past-due amount is what is open through the latest bill
whose due date has passed.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from billing.collections.models import (
    CollectionHold,
    DisconnectionNotice,
    GoodFaithVisit,
    PhoneAttempt,
)
from billing.models import Bill
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.money import ZERO


@dataclass(frozen=True)
class DelinquencyFact:
    account_id: int
    oldest_unpaid_bill_id: int
    oldest_due_date: datetime.date
    days_delinquent: int  # days since the oldest unpaid bill's due date
    past_due: Decimal  # owed on bills whose due date has passed (and charges before them)


@dataclass(frozen=True)
class HoldFact:
    kind: str  # "appeal" | "medical" | "payment_in_flight" | "arrangement"
    label: str
    expires_on: datetime.date | None
    evidence: str
    hold_id: int | None = None  # the CollectionHold (None for a derived hold)


ARRANGEMENT_HOLD = "arrangement"

# One row per posted bill with charges of an owing account: the bill, its due date and
# charges, the account balance and the charges posted after the bill's journal.
_BILLS_SQL = f"""
    WITH owing AS (
        SELECT service_account_id AS account_id, balance
        FROM {AccountBalance._meta.db_table}
        WHERE service_account_id = ANY(%(ids)s) AND balance > 0
    ),
    charges AS (
        SELECT line.service_account_id AS account_id, line.journal_id, SUM(line.amount) AS amount
        FROM {JournalLine._meta.db_table} line
        JOIN owing ON owing.account_id = line.service_account_id
        JOIN {Journal._meta.db_table} journal ON journal.id = line.journal_id
        WHERE line.amount > 0
          AND line.gl_account_id = (
              SELECT id FROM {GLAccount._meta.db_table} WHERE purpose = %(receivable)s
          )
          AND journal.reverses_id IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM {Journal._meta.db_table} reversal
              WHERE reversal.reverses_id = line.journal_id
          )
        GROUP BY line.service_account_id, line.journal_id
    ),
    later AS (
        SELECT account_id, journal_id,
               COALESCE(SUM(amount) OVER (
                   PARTITION BY account_id ORDER BY journal_id DESC
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
               ), 0) AS after
        FROM charges
    )
    SELECT bill.id, bill.account_id, bill.due_date, bill.current_charges, owing.balance,
           later.after
    FROM {Bill._meta.db_table} bill
    JOIN owing ON owing.account_id = bill.account_id
    JOIN later ON later.account_id = bill.account_id AND later.journal_id = bill.journal_id
    WHERE bill.status = %(posted)s AND bill.current_charges > 0
    ORDER BY bill.account_id, bill.journal_id
"""


def delinquencies(account_ids: Iterable[int], *, on: datetime.date) -> dict[int, DelinquencyFact]:
    """The accounts owing past due on `on`, with their oldest unpaid bill (one query)."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _BILLS_SQL,
            {"ids": ids, "receivable": Purpose.AR_CUSTOMERS.value, "posted": Bill.Status.POSTED},
        )
        rows = cursor.fetchall()
    by_account = defaultdict(list)
    for row in rows:
        by_account[row[1]].append(row)
    found = {}
    for account_id, bills in by_account.items():
        oldest = None
        past_due = ZERO
        for bill_id, _account, due_date, _charges, balance, after in bills:
            open_through = max(Decimal(balance) - Decimal(after), ZERO)
            if open_through <= ZERO or due_date >= on:
                continue
            if oldest is None:
                oldest = (bill_id, due_date)
            past_due = open_through  # bills come oldest first: the latest past due wins
        if oldest is None or past_due <= ZERO:
            continue
        found[account_id] = DelinquencyFact(
            account_id=account_id,
            oldest_unpaid_bill_id=oldest[0],
            oldest_due_date=oldest[1],
            days_delinquent=(on - oldest[1]).days,
            past_due=past_due.quantize(ZERO),
        )
    return found


def latest_notices(
    account_ids: Iterable[int], *, on: datetime.date | None = None
) -> dict[int, DisconnectionNotice]:
    """Each account's latest disconnection notice of its current delinquency (two queries)."""
    current = delinquencies(account_ids, on=on or timezone.localdate())
    bill_ids = [fact.oldest_unpaid_bill_id for fact in current.values()]
    if not bill_ids:
        return {}
    notices = DisconnectionNotice.objects.filter(bill_id__in=bill_ids).order_by(
        "account_id", "-issued_on", "-id"
    )
    found = {}
    for notice in notices:
        found.setdefault(notice.account_id, notice)
    return found


def phone_contact(account_ids: Iterable[int], *, since: datetime.date) -> dict[int, str]:
    """ "reached", "not_reached" (attempts, none reached) or "none" per account (one query)."""
    ids = list(account_ids)
    found = dict.fromkeys(ids, "none")
    attempts = PhoneAttempt.objects.filter(account_id__in=ids, attempted_on__gte=since)
    for account_id, outcome in attempts.values_list("account_id", "outcome"):
        if outcome == PhoneAttempt.Outcome.REACHED:
            found[account_id] = "reached"
        elif found[account_id] == "none":
            found[account_id] = "not_reached"
    return found


def good_faith_visits(
    account_ids: Iterable[int], *, since: datetime.date
) -> dict[int, datetime.datetime]:
    """When a door hanger was left (the latest since `since`) per visited account (one query)."""
    visits = GoodFaithVisit.objects.filter(
        account_id__in=list(account_ids), visited_at__isnull=False
    ).order_by("account_id", "visited_at")
    found = {}
    for account_id, visited_at in visits.values_list("account_id", "visited_at"):
        if timezone.localtime(visited_at).date() >= since:
            found[account_id] = visited_at
    return found


def accounts_held_by_arrangement(account_ids: list[int], *, on: datetime.date) -> set[int]:
    """The accounts an active payment arrangement holds (none until billing.arrangements is
    installed: it is a sibling area built beside this one)."""
    try:
        from billing.arrangements.selectors import accounts_with_active_arrangement
    except ImportError:
        return set()
    return set(accounts_with_active_arrangement(account_ids, on))


def holds_in_force(account_ids: Iterable[int], *, on: datetime.date):
    """The stored holds in force on `on` (not released, started, not expired)."""
    return CollectionHold.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on),
        account_id__in=list(account_ids),
        released_at__isnull=True,
        starts_on__lte=on,
    ).order_by("account_id", "starts_on", "id")


def active_holds(account_ids: Iterable[int], *, on: datetime.date) -> dict[int, list[HoldFact]]:
    """What stops the ladder per held account: stored holds and an active arrangement."""
    ids = list(account_ids)
    found = defaultdict(list)
    for hold in holds_in_force(ids, on=on):
        found[hold.account_id].append(
            HoldFact(
                kind=hold.kind,
                label=hold.get_kind_display(),
                expires_on=hold.expires_on,
                evidence=hold.evidence,
                hold_id=hold.pk,
            )
        )
    for account_id in sorted(accounts_held_by_arrangement(ids, on=on)):
        found[account_id].append(
            HoldFact(
                kind=ARRANGEMENT_HOLD,
                label="Payment arrangement in good standing",
                expires_on=None,
                evidence="Active payment arrangement",
            )
        )
    return dict(found)
