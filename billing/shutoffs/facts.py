"""What collections, arrangements and programs know about accounts, gathered for the checks.

billing.collections (holds, notices, phone attempts, door hangers), billing.arrangements and
accounts.programs are sibling areas below or beside this one (none imports it); each answers
for many accounts in one call.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from accounts.programs import selectors as programs
from billing.arrangements import selectors as arrangements
from billing.collections import selectors as collections


def sources() -> SimpleNamespace:
    """The sibling areas' selectors this area reads, in one place."""
    return SimpleNamespace(
        delinquencies=collections.delinquencies,
        latest_notices=collections.latest_notices,
        phone_contact=collections.phone_contact,
        good_faith_visits=collections.good_faith_visits,
        active_holds=collections.active_holds,
        accounts_with_active_arrangement=arrangements.accounts_with_active_arrangement,
        income_qualified=programs.income_qualified,
    )


@dataclass
class AccountFacts:
    """One account's collections facts as of a day (None / empty when there are none)."""

    delinquency: object = None  # DelinquencyFact
    notice: object = None  # DisconnectionNotice
    phone: str = "none"  # "reached" | "not_reached" | "none"
    visit_at: datetime.datetime | None = None
    holds: list = field(default_factory=list)  # [HoldFact]


def gather(account_ids, *, on: datetime.date) -> dict[int, AccountFacts]:
    """Each account's facts: a handful of queries, plus two per distinct notice date."""
    account_ids = list(account_ids)
    found = sources()
    delinquencies = found.delinquencies(account_ids, on=on)
    notices = found.latest_notices(account_ids, on=on)
    # Phone attempts and visits count from the account's own notice (an attempt before it
    # belongs to an earlier delinquency): one call per notice date (notices go out in batches),
    # and accounts without a notice fail that check anyway.
    by_notice_day: dict[datetime.date, list[int]] = {}
    for account_id, notice in notices.items():
        by_notice_day.setdefault(notice.issued_on, []).append(account_id)
    phones, visits = {}, {}
    for since, ids in sorted(by_notice_day.items()):
        phones.update(found.phone_contact(ids, since=since))
        visits.update(found.good_faith_visits(ids, since=since))
    holds = found.active_holds(account_ids, on=on)
    return {
        account_id: AccountFacts(
            delinquency=delinquencies.get(account_id),
            notice=notices.get(account_id),
            phone=phones.get(account_id, "none"),
            visit_at=visits.get(account_id),
            holds=list(holds.get(account_id, [])),
        )
        for account_id in account_ids
    }


def has_active_arrangement(account_id: int, on: datetime.date | None = None) -> bool:
    return account_id in sources().accounts_with_active_arrangement([account_id], on=on)


def income_qualified(account_id: int, on: datetime.date) -> bool:
    return bool(sources().income_qualified(account_id, on))
