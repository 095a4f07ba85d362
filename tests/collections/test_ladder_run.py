"""The nightly ladder: each step on its day and not before, once, logged in the contact history."""

import datetime
from decimal import Decimal

from accounts.models import Contact
from billing.collections.models import CollectionAction, DisconnectionNotice, StepKind
from billing.collections.run import collections_run
from tests.collections.helpers import delinquent_account

DUE = datetime.date(2026, 8, 3)  # a Monday; the default residential ladder is 5/15/45/55/60


def day(n: int) -> datetime.date:
    return DUE + datetime.timedelta(days=n)


def kinds(account):
    return list(
        CollectionAction.objects.filter(account=account)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_no_step_before_its_day(db, nightly):
    # given an account whose bill is 4 days delinquent (the reminder is on day 5)
    account, _bill = delinquent_account(DUE)

    # when the ladder runs on day 4
    result = collections_run(day(4), by=nightly, account_ids=[account.pk])

    # then nothing is taken and nothing logged
    assert result.delinquent == 1
    assert kinds(account) == []
    assert not Contact.objects.filter(account=account).exists()


def test_the_reminder_on_its_day_logged_once(db, nightly):
    # given an account 5 days delinquent
    account, bill = delinquent_account(DUE)

    # when the ladder runs on day 5, and again
    collections_run(day(5), by=nightly, account_ids=[account.pk])
    collections_run(day(5), by=nightly, account_ids=[account.pk])
    collections_run(day(6), by=nightly, account_ids=[account.pk])

    # then the reminder is taken once, for this bill, and logged as a mailed collections contact
    action = CollectionAction.objects.get(account=account)
    assert (action.kind, action.bill_id, action.taken_on) == (StepKind.REMINDER, bill.pk, day(5))
    contact = Contact.objects.get(account=account)
    assert (contact.channel, contact.reason) == (Contact.Channel.MAIL, Contact.Reason.COLLECTIONS)
    assert contact.notes == "Past-due reminder mailed: $120.00 past due since 08/03/2026."
    assert action.contact_id == contact.pk


def test_each_step_on_its_day_and_a_rerun_writes_nothing(db, nightly):
    # given an account with its bill unpaid
    account, bill = delinquent_account(DUE, amount="180.00")

    # when the ladder runs every night from the due date to day 60
    for n in range(0, 61):
        collections_run(day(n), by=nightly, account_ids=[account.pk])
    actions = {a.kind: a.taken_on for a in CollectionAction.objects.filter(account=account)}
    counts = (
        CollectionAction.objects.count(),
        Contact.objects.count(),
        DisconnectionNotice.objects.count(),
    )
    collections_run(day(60), by=nightly, account_ids=[account.pk])

    # then each step was taken on its own day
    assert actions == {
        StepKind.REMINDER: day(5),
        StepKind.LATE_PENALTY: day(15),
        StepKind.DISCONNECTION_NOTICE: day(45),
        StepKind.FINAL_NOTICE: day(55),
        StepKind.SHUTOFF_ELIGIBLE: day(60),
    }
    # and the notice carries the amount and the 60th delinquent day (later than 7 business days)
    notice = DisconnectionNotice.objects.get(account=account)
    assert (notice.bill_id, notice.amount_delinquent) == (bill.pk, Decimal("180.00"))
    assert notice.pay_by == day(60) == datetime.date(2026, 10, 2)
    # and the rerun wrote nothing new
    assert (
        CollectionAction.objects.count(),
        Contact.objects.count(),
        DisconnectionNotice.objects.count(),
    ) == counts


def test_small_balances_get_reminders_but_no_notice(db, nightly):
    # given $30.00 past due (the policy pursues $50.00 or more to shut-off)
    account, _bill = delinquent_account(DUE, amount="30.00")

    # when the ladder runs on day 60
    collections_run(day(60), by=nightly, account_ids=[account.pk])

    # then only the reminder and the late penalty steps are taken
    assert kinds(account) == [StepKind.REMINDER, StepKind.LATE_PENALTY]
    assert not DisconnectionNotice.objects.exists()


def test_steps_after_the_notice_wait_for_a_later_night(db, nightly):
    # given an account first seen on day 60 (all steps due at once)
    account, _bill = delinquent_account(DUE)

    # when the ladder runs on day 60
    collections_run(day(60), by=nightly, account_ids=[account.pk])

    # then it stops at the notice (the call comes before the door hanger)...
    assert kinds(account) == [
        StepKind.REMINDER,
        StepKind.LATE_PENALTY,
        StepKind.DISCONNECTION_NOTICE,
    ]
    # ... and the next night orders the door hanger but waits for the notice's pay-by date
    collections_run(day(61), by=nightly, account_ids=[account.pk])
    assert kinds(account)[-1] == StepKind.FINAL_NOTICE
    notice = DisconnectionNotice.objects.get(account=account)
    assert notice.pay_by > day(61)
    assert StepKind.SHUTOFF_ELIGIBLE not in kinds(account)


def test_the_nightly_task_runs_the_ladder(db):
    from billing.collections.tasks import run_ladder

    # given an account 5 days delinquent
    account, _bill = delinquent_account(DUE)

    # when the task runs for that day, twice
    first = run_ladder(day(5).isoformat())
    second = run_ladder(day(5).isoformat())

    # then the reminder is taken the first time only
    assert first == {"on": "2026-08-08", "delinquent": 1, "taken": 1, "held": 0, "refused": 0}
    assert second["taken"] == 0
    assert kinds(account) == [StepKind.REMINDER]


def test_the_late_penalty_step_charges_once(db, nightly):
    from billing.models import Bill
    from billing.rates.services import rate_version_load
    from district.ledger.models import Journal
    from tests.billing.factories import EXAMPLE

    # given a $120.00 bill under the example schedule (10% of unpaid current charges)
    version, _ = rate_version_load(source=EXAMPLE.read_text(), by=None)
    account, bill = delinquent_account(DUE)
    Bill.objects.filter(pk=bill.pk).update(rate_version=version)

    # when the ladder runs on the penalty's day and the nights after
    for n in (15, 16, 17):
        collections_run(day(n), by=nightly, account_ids=[account.pk])

    # then $12.00 is charged once, logged once
    penalty = Journal.objects.get(idempotency_key=f"late:{bill.pk}")
    assert penalty.lines.get(service_account_id=account.pk).amount == Decimal("12.00")
    assert Contact.objects.get(notes__startswith="Late penalty").notes == (
        "Late penalty of $12.00 charged; it will show on the next bill."
    )
    assert kinds(account) == [StepKind.REMINDER, StepKind.LATE_PENALTY]
