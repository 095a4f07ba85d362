"""The nightly collection ladder: each delinquent account's due steps, taken once.

For each active account owing past due (selectors.delinquencies), in its own transaction:
- an account with a hold in force (selectors.active_holds) is skipped, each hold noted once
  per delinquency (a "held" action);
- otherwise each active step of its class's ladder whose day has come (days delinquent >=
  the step's days after the due date) and that this delinquency has not taken yet is taken, in
  ladder order, and logged in the contact history.

Steps from the written notice on are taken only for past-due balances of at least
"collections-minimum-past-due" (smaller ones get reminders, never a shut-off), and each needs
the one before it: the door hanger and shut-off eligibility wait for a notice issued on an
earlier night, and shut-off eligibility for the notice's pay-by date. Every step is a
CollectionAction, unique per (account, bill, kind, key): a rerun writes nothing new.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.contacts.services import contact_log
from accounts.models import Contact, ServiceAccount
from billing.collections import selectors
from billing.collections.ladder import STEP_ORDER
from billing.collections.models import (
    CollectionAction,
    DisconnectionNotice,
    LadderStep,
    StepKind,
)
from billing.collections.services.notice_issue import notice_issue
from billing.collections.services.visits import door_hanger_order
from billing.models import Bill
from billing.penalties.services import GRACE_POLICY, MINIMUM_POLICY, late_penalty_assess_bill
from district.attribution import acting_user
from district.business_days import business_calendar
from district.ledger.models import AccountBalance
from district.money import format_money
from district.policies import policy_value

logger = logging.getLogger(__name__)
Kind = CollectionAction.Kind
NEEDS_MINIMUM = {StepKind.DISCONNECTION_NOTICE, StepKind.FINAL_NOTICE, StepKind.SHUTOFF_ELIGIBLE}
MAIL = Contact.Channel.MAIL


@dataclass
class RunResult:
    on: datetime.date
    delinquent: int = 0
    taken: list[tuple[int, str]] = field(default_factory=list)  # (account id, step kind)
    held: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # account id -> why


class _Waiting(Exception):
    """A step whose conditions are not met yet: it and the steps after it wait."""


def _ladders() -> dict[str, list[LadderStep]]:
    order = {kind: position for position, kind in enumerate(STEP_ORDER)}
    ladders = defaultdict(list)
    for step in LadderStep.objects.filter(active=True):
        ladders[step.customer_class].append(step)
    for steps in ladders.values():
        steps.sort(key=lambda step: (step.days_after_due, order[step.kind]))
    return ladders


def _owing_active_accounts() -> list[int]:
    owing = AccountBalance.objects.filter(balance__gt=0).values("service_account_id")
    return list(
        ServiceAccount.objects.filter(
            pk__in=owing, status=ServiceAccount.Status.ACTIVE
        ).values_list("pk", flat=True)
    )


def _record(account, fact, kind, *, on, by, notes="", contact=None, key="") -> CollectionAction:
    action, _created = CollectionAction.objects.get_or_create(
        account=account,
        bill_id=fact.oldest_unpaid_bill_id,
        kind=kind,
        key=key,
        defaults={
            "taken_on": on,
            "taken_at": timezone.now(),
            "taken_by": by,
            "notes": notes,
            "contact": contact,
        },
    )
    return action


def _log(account, channel, notes, by) -> Contact:
    return contact_log(
        channel=channel, reason=Contact.Reason.COLLECTIONS, by=by, account=account, notes=notes
    )


def _reminder(account, fact, *, on, by, **_context):
    notes = (
        f"Past-due reminder mailed: {format_money(fact.past_due)} past due "
        f"since {fact.oldest_due_date:%m/%d/%Y}."
    )
    return notes, _log(account, MAIL, notes, by)


def _late_penalty(account, fact, *, on, by, **_context):
    # billing.penalties charges the latest bill past its due date, once (key "late:<bill>"),
    # and never within the grace days (the rate schedule's, else the policy's): the step
    # waits for them.
    bill = (
        Bill.objects.filter(account=account, status=Bill.Status.POSTED, due_date__lt=on)
        .select_related("rate_version")
        .order_by("-period_end", "-id")
        .first()
    )
    penalty = None
    if bill is not None:
        schedule = (bill.rate_version.parsed if bill.rate_version else None) or {}
        grace = (schedule.get("late_penalty") or {}).get("grace_days")
        grace = int(policy_value(GRACE_POLICY) if grace is None else grace)
        if bill.due_date + datetime.timedelta(days=grace) >= on:
            raise _Waiting
        penalty = late_penalty_assess_bill(
            bill_id=bill.pk, today=on, by=by, minimum=policy_value(MINIMUM_POLICY)
        )
    if penalty is None:
        return "No late penalty due (already charged, or none in the rate schedule).", None
    notes = (
        f"Late penalty of {format_money(penalty.amount)} charged; it will show on the next bill."
    )
    return notes, _log(account, MAIL, notes, by)


def _disconnection_notice(account, fact, *, on, by, result, calendar, **_context):
    try:
        with transaction.atomic():
            notice = notice_issue(
                account=account, delinquency=fact, on=on, by=by, calendar=calendar
            )
    except ValidationError as error:
        why = " ".join(error.messages)
        CollectionAction.objects.update_or_create(
            account=account,
            bill_id=fact.oldest_unpaid_bill_id,
            kind=Kind.NOTICE_REFUSED,
            key="",
            defaults={"taken_on": on, "taken_at": timezone.now(), "taken_by": by, "notes": why},
        )
        result.refused[account.pk] = why
        logger.warning("Disconnection notice not issued: %s", why)
        raise _Waiting from error
    copies = ", ".join(notice.copies)
    notes = (
        f"Disconnection notice mailed ({copies}): {format_money(notice.amount_delinquent)} "
        f"delinquent, pay by {notice.pay_by:%m/%d/%Y}. A phone call is due."
    )
    return notes, _log(account, MAIL, notes, by)


def _final_notice(account, fact, *, on, by, notice, **_context):
    if notice is None or notice.issued_on >= on:
        raise _Waiting
    reached = selectors.phone_contact([account.pk], since=notice.issued_on)[account.pk]
    if reached == "reached":
        return "Customer reached by phone after the notice: no door hanger needed.", None
    visit = door_hanger_order(account=account, delinquency=fact, on=on, by=by)
    notes = (
        "Customer not reached by phone after the notice: door hanger ordered "
        f"(work order {visit.work_order_id})."
    )
    return notes, _log(account, Contact.Channel.FIELD, notes, by)


def _shutoff_eligible(account, fact, *, on, notice, **_context):
    if notice is None or on < notice.pay_by:
        raise _Waiting
    # Not a contact with the customer: the shut-off list (billing.shutoffs) takes it from here.
    return f"Eligible for the shut-off list (notice's pay-by date {notice.pay_by:%m/%d/%Y}).", None


TAKERS = {
    StepKind.REMINDER: _reminder,
    StepKind.LATE_PENALTY: _late_penalty,
    StepKind.DISCONNECTION_NOTICE: _disconnection_notice,
    StepKind.FINAL_NOTICE: _final_notice,
    StepKind.SHUTOFF_ELIGIBLE: _shutoff_eligible,
}


def _hold_key(hold) -> str:
    return f"hold:{hold.hold_id}" if hold.hold_id else hold.kind


@transaction.atomic
def _account_run(account, fact, *, on, by, holds, steps, taken, notice, minimum, calendar, result):
    if holds:
        for hold in holds:
            key = _hold_key(hold)
            if (Kind.HELD, key) not in taken:
                _record(account, fact, Kind.HELD, on=on, by=by, key=key, notes=hold.label)
        result.held.append(account.pk)
        return
    for step in steps:
        if step.days_after_due > fact.days_delinquent or (step.kind, "") in taken:
            continue
        if step.kind in NEEDS_MINIMUM and fact.past_due < minimum:
            return
        try:
            notes, contact = TAKERS[step.kind](
                account, fact, on=on, by=by, notice=notice, calendar=calendar, result=result
            )
        except _Waiting:
            return
        _record(account, fact, step.kind, on=on, by=by, notes=notes, contact=contact)
        result.taken.append((account.pk, step.kind))
        if step.kind == StepKind.DISCONNECTION_NOTICE:
            return  # what follows the notice waits for the phone call, on a later night


def collections_run(on: datetime.date, by=None, account_ids=None) -> RunResult:
    """Take the ladder's due steps on `on` (the nightly task; safe to run again)."""
    result = RunResult(on=on)
    ids = _owing_active_accounts() if account_ids is None else list(account_ids)
    facts = selectors.delinquencies(ids, on=on)
    result.delinquent = len(facts)
    if not facts:
        return result
    holds = selectors.active_holds(list(facts), on=on)
    accounts = ServiceAccount.objects.select_related("customer", "premise").in_bulk(list(facts))
    bill_ids = [fact.oldest_unpaid_bill_id for fact in facts.values()]
    taken = defaultdict(set)
    for account_id, kind, key in CollectionAction.objects.filter(bill_id__in=bill_ids).values_list(
        "account_id", "kind", "key"
    ):
        taken[account_id].add((kind, key))
    notices = {
        notice.account_id: notice
        for notice in DisconnectionNotice.objects.filter(bill_id__in=bill_ids)
    }
    ladders = _ladders()
    minimum = policy_value("collections-minimum-past-due")
    calendar = business_calendar(on, on + datetime.timedelta(days=200))
    for account_id, fact in sorted(facts.items()):
        account = accounts[account_id]
        try:
            with acting_user(by):
                _account_run(
                    account,
                    fact,
                    on=on,
                    by=by,
                    holds=holds.get(account_id, []),
                    steps=ladders.get(account.customer_class, []),
                    taken=taken[account_id],
                    notice=notices.get(account_id),
                    minimum=minimum,
                    calendar=calendar,
                    result=result,
                )
        except ValidationError as error:
            # One account's refusal (a contact the log refuses...) does not stop the night.
            logger.warning("Collections step for account %s not taken: %s", account_id, error)
            result.refused[account_id] = " ".join(error.messages)
    return result
