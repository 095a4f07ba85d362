"""A payment received after a write-off recovers (part of) it: the written-off receivable is
restored for what the payment received, so the payment pays it."""

import datetime
from decimal import Decimal

import pytest

from billing.writeoffs.models import WriteOff, WriteOffRecovery
from billing.writeoffs.services import writeoff_post, writeoffs_recover
from billing.writeoffs.tasks import recover_posted
from district import roles
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from tests import factories
from tests.writeoffs.factories import ended_account, set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def written_off(make_user):
    """A final account whose $120.00 was written off, and the cashier who takes payments."""
    set_policy("write-off-limit", "500.00")
    account = ended_account(due=datetime.date(2026, 3, 2))
    write_off = writeoff_post(
        account=account, amount="120.00", by=make_user(roles.SUPERVISOR), reason="Skipped"
    )
    return write_off, make_user(roles.CSR_I)


def _write_offs_gl() -> Decimal:
    return sum(
        JournalLine.objects.filter(gl_account__purpose=Purpose.WRITE_OFFS).values_list(
            "amount", flat=True
        ),
        Decimal("0.00"),
    )


def test_a_payment_after_the_write_off_recovers_what_it_paid(written_off):
    # given a written-off account, and a $50.00 payment received after
    write_off, cashier = written_off
    account = write_off.account
    payment = factories.post_payment(account, "50.00")

    # when write-offs are recovered after the payment
    (recovery,) = writeoffs_recover([account.pk], by=cashier)

    # then $50.00 of the receivable is restored and the payment pays it: the account is at
    # zero, bad debt is $70.00, and the write-off says $50.00 was recovered
    assert recovery.amount == Decimal("50.00")
    assert recovery.payment_journal_id == payment.pk
    journal = Journal.objects.get(pk=recovery.journal_id)
    assert journal.kind == Journal.Kind.WRITE_OFF
    assert journal.idempotency_key == f"write-off-recovery:{write_off.pk}:{payment.pk}"
    lines = sorted(
        (line.gl_account.purpose, line.amount)
        for line in journal.lines.select_related("gl_account")
    )
    assert lines == [
        (Purpose.AR_CUSTOMERS, Decimal("50.00")),
        (Purpose.WRITE_OFFS, Decimal("-50.00")),
    ]
    assert account_balance(account.pk) == Decimal("0.00")
    assert _write_offs_gl() == Decimal("70.00")
    write_off.refresh_from_db()
    assert write_off.recovered_amount == Decimal("50.00")
    assert write_off.status == WriteOff.Status.POSTED

    # and running it again posts nothing
    assert writeoffs_recover([account.pk], by=cashier) == []
    assert recover_posted() == []
    assert WriteOffRecovery.objects.count() == 1
    assert _write_offs_gl() == Decimal("70.00")


def test_a_payment_beyond_the_write_off_leaves_a_credit(written_off):
    # given a written-off $120.00, with $50.00 already recovered
    write_off, cashier = written_off
    account = write_off.account
    factories.post_payment(account, "50.00")
    writeoffs_recover([account.pk], by=cashier)

    # when $100.00 more is received
    factories.post_payment(account, "100.00")
    (recovery,) = writeoffs_recover([account.pk], by=cashier)

    # then only the $70.00 still written off is recovered; the rest is the customer's credit
    assert recovery.amount == Decimal("70.00")
    assert account_balance(account.pk) == Decimal("-30.00")
    assert _write_offs_gl() == Decimal("0.00")
    write_off.refresh_from_db()
    assert write_off.recovered_amount == Decimal("120.00")
    assert write_off.status == WriteOff.Status.REVERSED


def test_payments_before_the_write_off_and_returned_payments_recover_nothing(written_off):
    # given a payment before the write-off (it lowered what was written off) and a returned one
    write_off, cashier = written_off
    account = write_off.account
    factories._post(
        Journal.Kind.PAYMENT, "Returned check", Purpose.AR_CUSTOMERS, Purpose.CASH_IN_BANK,
        account, "25.00", None, None, None,
    )  # fmt: skip

    # then nothing is recovered
    assert writeoffs_recover([account.pk], by=cashier) == []
    assert account_balance(account.pk) == Decimal("25.00")


def test_the_nightly_task_recovers_what_no_payment_path_did(written_off):
    write_off, _cashier = written_off
    factories.post_payment(write_off.account, "30.00")

    made = recover_posted()

    assert [WriteOffRecovery.objects.get(pk=pk).amount for pk in made] == [Decimal("30.00")]
    assert account_balance(write_off.account_id) == Decimal("0.00")


def test_accounts_without_a_write_off_cost_one_query(django_assert_num_queries, make_user):
    account = factories.ServiceAccountFactory()
    factories.post_payment(account, "10.00")
    cashier = make_user(roles.CSR_I)

    with django_assert_num_queries(1):
        assert writeoffs_recover([account.pk], by=cashier) == []
