"""What the collections pages read: the queue of accounts in collections and the account
page's panel, each a fixed number of queries whatever the number of rows."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.collections import selectors
from billing.collections.ladder import STEP_ORDER
from billing.collections.models import (
    CollectionAction,
    CollectionHold,
    DisconnectionNotice,
    GoodFaithVisit,
    LadderStep,
    PhoneAttempt,
    StepKind,
)

QUEUE_LIMIT = 500
# Accounts whose ladder moved within this many days are looked at for the queue.
QUEUE_LOOKBACK_DAYS = 400
PANEL_ACTIONS = 30
PANEL_ATTEMPTS = 10


@dataclass(frozen=True)
class QueueRow:
    account: ServiceAccount
    delinquency: selectors.DelinquencyFact
    step_reached: str  # label of the latest step taken
    next_step: str  # label ("" when the ladder is done)
    next_step_on: datetime.date | None
    notice: DisconnectionNotice | None
    phone_due: bool  # a notice is out and nobody has called since
    held_by: str  # labels of the holds in force ("" when none)


def _step_labels() -> dict[str, str]:
    return dict(StepKind.choices)


def _ladder_steps() -> dict[str, list[LadderStep]]:
    order = {kind: position for position, kind in enumerate(STEP_ORDER)}
    ladders = defaultdict(list)
    for step in LadderStep.objects.filter(active=True):
        ladders[step.customer_class].append(step)
    for steps in ladders.values():
        steps.sort(key=lambda step: (step.days_after_due, order[step.kind]))
    return ladders


def collections_queue(*, on: datetime.date | None = None) -> list[QueueRow]:
    """Accounts in collections (a step taken in their current delinquency), longest first."""
    on = on or timezone.localdate()
    since = on - datetime.timedelta(days=QUEUE_LOOKBACK_DAYS)
    candidate_ids = list(
        CollectionAction.objects.filter(kind__in=StepKind.values, taken_on__gte=since)
        .values_list("account_id", flat=True)
        .distinct()
    )
    facts = selectors.delinquencies(candidate_ids, on=on)
    bill_ids = [fact.oldest_unpaid_bill_id for fact in facts.values()]
    steps_taken = defaultdict(list)
    for account_id, kind in (
        CollectionAction.objects.filter(bill_id__in=bill_ids, kind__in=StepKind.values)
        .order_by("taken_on", "id")
        .values_list("account_id", "kind")
    ):
        steps_taken[account_id].append(kind)
    in_collections = sorted(
        (fact for fact in facts.values() if steps_taken[fact.account_id]),
        key=lambda fact: (-fact.days_delinquent, fact.account_id),
    )[:QUEUE_LIMIT]
    ids = [fact.account_id for fact in in_collections]
    accounts = ServiceAccount.objects.select_related("customer", "premise").in_bulk(ids)
    notices = {
        notice.account_id: notice
        for notice in DisconnectionNotice.objects.filter(
            bill_id__in=[fact.oldest_unpaid_bill_id for fact in in_collections]
        )
    }
    called_since = {}
    if notices:
        earliest = min(notice.issued_on for notice in notices.values())
        for account_id, attempted_on in PhoneAttempt.objects.filter(
            account_id__in=list(notices), attempted_on__gte=earliest
        ).values_list("account_id", "attempted_on"):
            if attempted_on >= notices[account_id].issued_on:
                called_since[account_id] = True
    holds = selectors.active_holds(ids, on=on)
    ladders = _ladder_steps()
    labels = _step_labels()
    rows = []
    for fact in in_collections:
        account = accounts[fact.account_id]
        taken = steps_taken[fact.account_id]
        upcoming = [
            step for step in ladders.get(account.customer_class, []) if step.kind not in taken
        ]
        next_step = upcoming[0] if upcoming else None
        notice = notices.get(fact.account_id)
        rows.append(
            QueueRow(
                account=account,
                delinquency=fact,
                step_reached=labels[taken[-1]],
                next_step=labels[next_step.kind] if next_step else "",
                next_step_on=(
                    fact.oldest_due_date + datetime.timedelta(days=next_step.days_after_due)
                    if next_step
                    else None
                ),
                notice=notice,
                phone_due=notice is not None and not called_since.get(fact.account_id),
                held_by=", ".join(hold.label for hold in holds.get(fact.account_id, [])),
            )
        )
    return rows


@dataclass(frozen=True)
class AccountCollections:
    delinquency: selectors.DelinquencyFact | None
    actions: list[CollectionAction]
    notices: list[DisconnectionNotice]
    holds: list[CollectionHold]
    derived_holds: list[selectors.HoldFact]  # an active arrangement
    attempts: list[PhoneAttempt]
    visits: list[GoodFaithVisit]
    on: datetime.date

    @property
    def phone_due(self) -> bool:
        current = [n for n in self.notices if self.delinquency and n.bill_id == self.current_bill]
        if not current:
            return False
        return not any(a.attempted_on >= current[0].issued_on for a in self.attempts)

    @property
    def has_anything(self) -> bool:
        """False for an account never in collections (the page then leaves the panel out)."""
        return bool(
            self.delinquency
            or self.actions
            or self.notices
            or self.holds
            or self.attempts
            or self.visits
        )

    @property
    def current_bill(self) -> int | None:
        return self.delinquency.oldest_unpaid_bill_id if self.delinquency else None


def account_collections(account_id: int, *, on: datetime.date | None = None):
    """The account page's collections panel: the current delinquency, what the ladder did,
    notices, holds, calls and visits. Two queries for an account never in collections (which
    records it has, and its delinquency), one more for each kind of record it has."""
    on = on or timezone.localdate()
    mine = {"account_id": OuterRef("pk")}
    present = (
        ServiceAccount.objects.filter(pk=account_id)
        .annotate(
            has_actions=Exists(CollectionAction.objects.filter(**mine)),
            has_notices=Exists(DisconnectionNotice.objects.filter(**mine)),
            has_holds=Exists(CollectionHold.objects.filter(**mine)),
            has_attempts=Exists(PhoneAttempt.objects.filter(**mine)),
            has_visits=Exists(GoodFaithVisit.objects.filter(**mine)),
        )
        .values("has_actions", "has_notices", "has_holds", "has_attempts", "has_visits")
        .first()
    ) or {}
    delinquency = selectors.delinquencies([account_id], on=on).get(account_id)
    actions, notices, holds, attempts, visits, derived = [], [], [], [], [], []
    if present.get("has_actions"):
        actions = list(
            CollectionAction.objects.filter(account_id=account_id).order_by("-taken_on", "-id")[
                :PANEL_ACTIONS
            ]
        )
    if present.get("has_notices"):
        notices = list(DisconnectionNotice.objects.filter(account_id=account_id))
    if present.get("has_holds"):
        holds = list(CollectionHold.objects.filter(account_id=account_id))
    if present.get("has_attempts"):
        attempts = list(PhoneAttempt.objects.filter(account_id=account_id)[:PANEL_ATTEMPTS])
    if present.get("has_visits"):
        visits = list(GoodFaithVisit.objects.filter(account_id=account_id))
    if delinquency is not None:
        # An arrangement holds the ladder only while something is past due.
        derived = [
            selectors.HoldFact(
                kind=selectors.ARRANGEMENT_HOLD,
                label="Payment arrangement in good standing",
                expires_on=None,
                evidence="Active payment arrangement",
            )
            for _ in selectors.accounts_held_by_arrangement([account_id], on=on)
        ]
    return AccountCollections(
        delinquency=delinquency,
        actions=actions,
        notices=notices,
        holds=holds,
        derived_holds=derived,
        attempts=attempts,
        visits=visits,
        on=on,
    )
