"""Late penalties: after the due date plus grace, on what is still unpaid, once per bill."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import tasks
from billing.models import Bill
from billing.penalties import services as penalties
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post
from district.models import Policy
from tests import factories

D = datetime.date
DUE = D(2026, 2, 24)


@pytest.fixture(autouse=True)
def late_policies(db):
    for key, value_type, value in (
        (penalties.GRACE_POLICY, "days", "5"),
        (penalties.MINIMUM_POLICY, "money", "5.00"),
    ):
        Policy.objects.update_or_create(
            key=key,
            defaults={
                "label": key,
                "category": "collections",
                "value_type": value_type,
                "value": value,
            },
        )


def _post(account, amount, gl, kind, on):
    return journal_post(
        kind=kind,
        memo="test",
        lines=[Line(Purpose.AR_CUSTOMERS, Decimal(amount), account.pk), Line(gl, -Decimal(amount))],
        by=None,
        idempotency_key=uuid.uuid4().hex,
        effective_date=on,
    )


def _bill(rates, *, current="80.00", previous="20.00"):
    """A posted bill of $80.00 current charges over a $20.00 unpaid balance, due 02/24/2026."""
    account = factories.ServiceAccountFactory()
    if Decimal(previous):
        _post(
            account, previous, Purpose.OPENING_BALANCES, Journal.Kind.OPENING_BALANCE, D(2026, 1, 5)
        )
    journal = _post(account, current, Purpose.WATER_SALES_FIXED, Journal.Kind.BILL, D(2026, 2, 3))
    return Bill.objects.create(
        account=account,
        status=Bill.Status.POSTED,
        number=f"BT-{uuid.uuid4().hex[:8]}",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        bill_date=D(2026, 2, 3),
        due_date=DUE,
        rate_version=rates,
        current_charges=Decimal(current),
        previous_balance=Decimal(previous),
        amount_due=Decimal(current) + Decimal(previous),
        journal_id=journal.pk,
    )


def _pay(bill, amount, on=D(2026, 2, 20)):
    _post(bill.account, f"-{amount}", Purpose.CASH_IN_BANK, Journal.Kind.PAYMENT, on)


def test_no_penalty_within_the_grace_days(rates):
    # given a bill due 02/24 and five days' grace
    bill = _bill(rates)
    # when the night of 03/01 (due + 5) runs
    posted = penalties.late_penalties_assess(today=D(2026, 3, 1))
    # then
    assert posted == []
    assert account_balance(bill.account_id) == Decimal("100.00")
    assert not Journal.objects.filter(kind=Journal.Kind.FEE).exists()


def test_penalty_after_grace_on_current_charges_and_past_due(rates):
    # given an unpaid bill: $80.00 current, $20.00 past due
    bill = _bill(rates)
    # when
    (penalty,) = penalties.late_penalties_assess(today=D(2026, 3, 2))
    # then 10% x 80.00 = 8.00, plus 1.5% x 20.00 = 0.30
    assert penalty.amount == Decimal("8.30")
    assert (penalty.unpaid_current, penalty.past_due) == (Decimal("80.00"), Decimal("20.00"))
    journal = Journal.objects.get(idempotency_key=f"late:{bill.pk}")
    assert journal.kind == Journal.Kind.FEE
    assert {
        (line.gl_account.purpose, line.amount, line.service_account_id)
        for line in JournalLine.objects.filter(journal=journal).select_related("gl_account")
    } == {
        (Purpose.AR_CUSTOMERS, Decimal("8.30"), bill.account_id),
        (Purpose.FEES_LATE, Decimal("-8.30"), None),
    }
    assert account_balance(bill.account_id) == Decimal("108.30")


def test_a_partial_payment_pays_the_past_due_first(rates):
    # given $30.00 paid: the $20.00 past due, then $10.00 of the current charges
    bill = _bill(rates)
    _pay(bill, "30.00")
    # when
    (penalty,) = penalties.late_penalties_assess(today=D(2026, 3, 2))
    # then 10% x 70.00 = 7.00, nothing past due
    assert penalty.amount == Decimal("7.00")
    assert penalty.past_due == Decimal("0.00")


def test_a_paid_bill_is_not_penalized(rates):
    # given
    bill = _bill(rates)
    _pay(bill, "100.00")
    # when
    posted = penalties.late_penalties_assess(today=D(2026, 3, 2))
    # then
    assert posted == []
    assert account_balance(bill.account_id) == 0
    assert not Journal.objects.filter(kind=Journal.Kind.FEE).exists()


def test_charges_after_the_bill_do_not_count_as_unpaid(rates):
    # given the bill paid in full, then a new charge posted after it
    bill = _bill(rates)
    _pay(bill, "100.00")
    _post(bill.account, "40.00", Purpose.FEES_TURN_ON, Journal.Kind.FEE, D(2026, 2, 26))
    # when
    posted = penalties.late_penalties_assess(today=D(2026, 3, 2))
    # then
    assert posted == []


def test_a_small_balance_under_the_minimum_is_skipped(rates):
    # given $96.00 paid: $4.00 left, under the $5.00 minimum
    bill = _bill(rates)
    _pay(bill, "96.00")
    # when
    posted = penalties.late_penalties_assess(today=D(2026, 3, 2))
    # then
    assert posted == []
    assert not Journal.objects.filter(kind=Journal.Kind.FEE).exists()


def test_running_again_posts_nothing(rates):
    # given a night that posted a penalty
    bill = _bill(rates)
    penalties.late_penalties_assess(today=D(2026, 3, 2))
    journals = Journal.objects.count()
    # when the same night and the next run again
    again = penalties.late_penalties_assess(today=D(2026, 3, 2))
    later = penalties.late_penalties_assess(today=D(2026, 3, 3))
    # then
    assert again == [] and later == []
    assert Journal.objects.count() == journals
    assert account_balance(bill.account_id) == Decimal("108.30")


def test_only_the_latest_bill_of_an_account_is_penalized(rates):
    # given an older unpaid bill followed by a newer one not yet past due
    bill = _bill(rates)
    newer_journal = _post(
        bill.account, "50.00", Purpose.WATER_SALES_FIXED, Journal.Kind.BILL, D(2026, 3, 3)
    )
    Bill.objects.create(
        account=bill.account,
        status=Bill.Status.POSTED,
        number="BT-newer",
        period_start=D(2026, 2, 1),
        period_end=D(2026, 2, 28),
        bill_date=D(2026, 3, 3),
        due_date=D(2026, 3, 24),
        rate_version=rates,
        current_charges=Decimal("50.00"),
        previous_balance=Decimal("100.00"),
        amount_due=Decimal("150.00"),
        journal_id=newer_journal.pk,
    )
    # when
    posted = penalties.late_penalties_assess(today=D(2026, 3, 10))
    # then the older bill's balance is the newer bill's past due: no penalty yet
    assert posted == []


def test_the_task_runs_the_service(rates):
    # given
    bill = _bill(rates)
    # when
    result = tasks.late_penalties_assess.delay("2026-03-02").get()
    # then
    assert result == [
        {
            "bill_id": bill.pk,
            "amount": "8.30",
            "journal_id": Journal.objects.get(idempotency_key=f"late:{bill.pk}").pk,
        }
    ]


def test_a_zero_bill_with_a_past_due_balance_is_penalized_on_the_past_due(rates):
    # given a $0.00 bill (posted without a journal) over a $20.00 unpaid balance
    account = factories.ServiceAccountFactory()
    _post(account, "20.00", Purpose.OPENING_BALANCES, Journal.Kind.OPENING_BALANCE, D(2026, 1, 5))
    bill = Bill.objects.create(
        account=account,
        status=Bill.Status.POSTED,
        number=f"BT-{uuid.uuid4().hex[:8]}",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        bill_date=D(2026, 2, 3),
        due_date=DUE,
        rate_version=rates,
        current_charges=Decimal("0.00"),
        previous_balance=Decimal("20.00"),
        amount_due=Decimal("20.00"),
        posted_at=timezone.now(),
    )
    # when the nights after the grace run
    (penalty,) = penalties.late_penalties_assess(today=D(2026, 3, 2))
    # then 1.5% of the $20.00 past due: the $0.00 bill has no journal to measure from
    assert penalty.bill_id == bill.pk and penalty.amount == Decimal("0.30")
    assert (penalty.unpaid_current, penalty.past_due) == (Decimal("0.00"), Decimal("20.00"))


# -- a payment made in time that arrives after the penalty -------------------------------------


def _penalized(rates):
    bill = _bill(rates)
    (penalty,) = penalties.late_penalties_assess(today=D(2026, 3, 2))  # $8.30 (see above)
    return bill, penalty


def _withdraw(bill, paid_on):
    return penalties.late_penalty_withdraw_if_paid_in_time(
        account_id=bill.account_id, paid_on=paid_on, by=None, source="processor file, line 2"
    )


def test_a_payment_made_by_the_cut_off_that_arrives_later_withdraws_the_penalty(rates):
    # given: the penalty posted on 03/02; the customer had paid the $100.00 on 02/28 (due 02/24
    # + 5 days' grace = 03/01), and the processor's file reaches the district on 03/03
    bill, penalty = _penalized(rates)
    _pay(bill, "100.00", on=D(2026, 3, 3))
    # when
    withdrawal = _withdraw(bill, paid_on=D(2026, 2, 28))
    # then: the penalty is reversed; the account owes nothing
    assert (withdrawal.amount, withdrawal.cut_off) == (Decimal("8.30"), D(2026, 3, 1))
    reversal = Journal.objects.get(pk=withdrawal.journal_id)
    assert reversal.reverses_id == penalty.journal_id
    assert reversal.idempotency_key == f"late-withdrawn:{bill.pk}"
    assert "paid on 02/28/2026, by the cut-off 03/01/2026" in reversal.memo
    assert account_balance(bill.account_id) == Decimal("0.00")
    # and a second payment of the same days withdraws nothing more
    assert _withdraw(bill, paid_on=D(2026, 2, 28)) is None


def test_a_payment_made_after_the_cut_off_keeps_the_penalty(rates):
    bill, _ = _penalized(rates)
    _pay(bill, "100.00", on=D(2026, 3, 3))
    assert _withdraw(bill, paid_on=D(2026, 3, 2)) is None
    assert account_balance(bill.account_id) == Decimal("8.30")


def test_a_payment_in_time_that_leaves_the_bill_partly_unpaid_keeps_the_penalty(rates):
    bill, _ = _penalized(rates)
    _pay(bill, "60.00", on=D(2026, 3, 3))  # $40.00 of the bill still unpaid
    assert _withdraw(bill, paid_on=D(2026, 2, 27)) is None
    assert account_balance(bill.account_id) == Decimal("48.30")


def test_an_account_without_a_penalty_has_nothing_to_withdraw(rates):
    bill = _bill(rates)
    _pay(bill, "100.00")
    assert _withdraw(bill, paid_on=D(2026, 2, 20)) is None
