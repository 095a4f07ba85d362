"""The demo district's history (seed_demo_history): every screen has real rows, the books
balance, and the same seed gives the same district."""

import logging
from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Case, Deposit, ServiceAccount
from billing.models import Bill, BillRun
from district.ledger.models import AccountBalance, JournalLine
from district.ledger.selectors import account_aging
from field_ops.models import Premise, WorkOrder
from payments.models import (
    BankDeposit,
    BatchItem,
    DrawerSession,
    PaymentBatch,
    ReturnedItem,
    Tender,
)

AS_OF = date(2025, 6, 30)
TODAY = date(2025, 7, 21)
BUCKETS = ("days_30", "days_60", "days_90", "days_120_plus")


def _seed(seed: int = 5) -> None:
    out = StringIO()
    call_command(
        "seed_demo", "--accounts", "30", "--years", "1", "--seed", str(seed),
        "--as-of", AS_OF.isoformat(), stdout=out,
    )  # fmt: skip
    call_command("seed_billing_demo", stdout=out)
    call_command("seed_cashiering_demo", stdout=out)
    call_command("seed_demo_history", "--seed", str(seed), "--today", TODAY.isoformat(), stdout=out)


def _fingerprint() -> tuple:
    numbers = dict(ServiceAccount.objects.values_list("pk", "number"))
    return (
        sorted(Counter(Tender.objects.values_list("kind", flat=True)).items()),
        sorted(Bill.objects.values_list("account__number", "bill_date", "amount_due")),
        sorted(
            (numbers[account_id], balance)
            for account_id, balance in AccountBalance.objects.values_list(
                "service_account_id", "balance"
            )
        ),
        sorted(WorkOrder.objects.values_list("premise__apn", "status", "assigned_to__username")),
        sorted(Case.objects.values_list("account__number", "status")),
        sorted(ReturnedItem.objects.values_list("returned_on", "tender__amount")),
    )


@pytest.fixture
def seeded(db, caplog):
    caplog.set_level(logging.INFO)
    _seed()


def test_the_history_has_every_thing_a_trainer_needs(seeded):
    # then bills were calculated and posted by bill runs, through the ledger
    assert BillRun.objects.filter(status=BillRun.Status.POSTED).count() >= 10
    assert Bill.objects.filter(status=Bill.Status.POSTED, run__isnull=False).count() > 100
    assert JournalLine.objects.filter(journal__kind="bill").exists()
    # payments of every tender
    tenders = Counter(Tender.objects.values_list("kind", flat=True))
    assert set(tenders) == set(Tender.Kind.values)
    # a few returned checks, deposits held, closed drawers taken to the bank
    assert ReturnedItem.objects.count() >= 1
    assert Deposit.objects.filter(amount__gt=0).exists()
    closed = DrawerSession.objects.filter(status=DrawerSession.Status.CLOSED)
    assert closed.exists() and not DrawerSession.objects.filter(status="open").exists()
    assert BankDeposit.objects.filter(items__session__in=closed).exists()
    # open and closed cases
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Case.Status.OPEN, Case.Status.CLOSED} <= statuses
    # vacant premises to start service at
    assert Premise.objects.exclude(service_accounts__status="active").exists()
    # work orders in every state for each of two technicians
    states = Counter(
        WorkOrder.objects.filter(assigned_to__isnull=False).values_list(
            "assigned_to__username", "status"
        )
    )
    for technician in ("demo-field", "demo-field2"):
        for status in WorkOrder.Status.values:
            assert states[(technician, status)] >= 1, (technician, status)


def test_the_history_carries_collections_to_a_shut_off_list(seeded):
    # the nightly ladder ran over the last weeks: notices in the customers' languages, calls
    from billing.collections.models import CollectionAction, DisconnectionNotice, PhoneAttempt
    from billing.shutoffs.models import ShutoffList

    assert CollectionAction.objects.exists()
    assert DisconnectionNotice.objects.exists()
    assert PhoneAttempt.objects.exists()
    # and the next workday's list waits for the supervisor
    assert ShutoffList.objects.filter(status=ShutoffList.Status.DRAFT).count() == 1


def test_mail_and_settlement_files_come_once_a_week(seeded):
    # then at most one mail batch and one processor file a week, each on a Friday or the
    # history's last workday; a file's transactions keep the days they were paid
    batches = PaymentBatch.objects.filter(
        kind__in=(PaymentBatch.Kind.MAIL, PaymentBatch.Kind.PROCESSOR)
    ).values_list("kind", "business_date")
    weeks = Counter((kind, day.isocalendar()[:2]) for kind, day in batches)
    assert weeks and max(weeks.values()) == 1
    assert {day.weekday() for _kind, day in batches} <= {4, TODAY.weekday()}
    days_in_file = defaultdict(set)
    for batch_id, external_id in BatchItem.objects.filter(
        batch__kind=PaymentBatch.Kind.PROCESSOR
    ).values_list("batch_id", "external_id"):
        days_in_file[batch_id].add(external_id.removeprefix("processor:T")[:8])
    assert max(len(days) for days in days_in_file.values()) > 1


def test_the_bill_runs_tasks_are_not_logged_one_by_one(seeded, caplog):
    # then Celery's line per in-process task is not in the seed's output
    tasks = [r for r in caplog.get_records("setup") if r.name == "celery.app.trace"]
    assert tasks == []
    assert BillRun.objects.exists()


def test_past_due_accounts_fill_every_aging_bucket(seeded):
    held = Counter()
    for account_id in ServiceAccount.objects.values_list("pk", flat=True):
        aging = account_aging(account_id, as_of=TODAY)
        held.update(bucket for bucket in BUCKETS if getattr(aging, bucket) > 0)
    assert all(held[bucket] >= 1 for bucket in BUCKETS), held


def test_the_books_balance_after_the_history(seeded):
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert "OK" in out.getvalue()


def test_the_history_is_not_played_twice(seeded):
    bills = Bill.objects.count()
    out = StringIO()
    call_command("seed_demo_history", "--today", TODAY.isoformat(), stdout=out)
    assert "none added" in out.getvalue()
    assert Bill.objects.count() == bills


def test_the_same_seed_gives_the_same_history(db):
    # given a district and its history from seed 5
    _seed()
    first = _fingerprint()
    # Journals refuse DELETE: TRUNCATE starts over. CASCADE follows foreign keys only, so the
    # tables whose keys are checked by triggers (district.keys) are named.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "TRUNCATE accounts_serviceaccount, accounts_customer, field_ops_premise, "
            "field_ops_meter, billing_billingcycle, billing_billrun, billing_bill, "
            "billing_billline, billing_billexception, payments_drawersession, "
            "payments_paymentbatch, ledger_journal, ledger_journalline, ledger_accountbalance "
            "CASCADE"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # when it is made again
    _seed()
    # then the same bills, balances, tenders, orders, cases and returns
    assert _fingerprint() == first
