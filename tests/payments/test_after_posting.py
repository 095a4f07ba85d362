"""A payment taken at the counter sets off billing's follow-up once it commits: the shut-off
order it makes unnecessary is cancelled, a written-off balance it pays is restored; a failure
there never undoes the payment."""

import datetime
import logging
from decimal import Decimal

import pytest

from billing.shutoffs.services import shutoff_list_approve, shutoff_list_prepare
from billing.writeoffs.models import WriteOffRecovery
from billing.writeoffs.services import writeoff_post
from district import roles
from district.ledger.selectors import account_balance
from field_ops.models import WorkOrder
from payments import after_posting
from payments.counter.services import PaymentIn, TenderIn, payment_post
from payments.models import Payment, Tender
from tests.payments.factories import opened_drawer
from tests.shutoffs import builders
from tests.writeoffs.factories import ended_account, set_policy

pytestmark = pytest.mark.django_db


def _cash(account, amount, cashier, key):
    session = opened_drawer(cashier)
    return payment_post(
        session_id=session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal(amount))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal(amount))],
        ),
        idempotency_key=key,
    )


def test_a_counter_payment_cancels_the_shut_off_order_once_it_commits(
    make_user, django_capture_on_commit_callbacks
):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    clerk, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    shutoff_list = shutoff_list_approve(
        shutoff_list=shutoff_list_prepare(on=on, by=clerk), by=supervisor
    )
    order_id = shutoff_list.entries.get().work_order_id

    with django_capture_on_commit_callbacks(execute=True):
        _cash(account, "180.00", make_user(roles.CSR_I), "after-posting-1")

    order = WorkOrder.objects.get(pk=order_id)
    assert order.is_cancelled
    assert order.cancelled_reason == "No longer eligible for shut-off: No bill is delinquent."


def test_a_counter_payment_on_a_written_off_account_restores_what_it_pays(
    make_user, django_capture_on_commit_callbacks
):
    set_policy("write-off-limit", "500.00")
    account = ended_account(due=datetime.date(2026, 3, 2))
    writeoff_post(account=account, amount="120.00", by=make_user(roles.SUPERVISOR), reason="Gone")

    with django_capture_on_commit_callbacks(execute=True):
        _cash(account, "50.00", make_user(roles.CSR_I), "after-posting-2")

    assert WriteOffRecovery.objects.get().amount == Decimal("50.00")
    assert account_balance(account.pk) == Decimal("0.00")


def test_a_failing_follow_up_leaves_the_payment_and_is_logged(
    make_user, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(account_ids, *, by):
        raise RuntimeError("the shut-off service is down")

    monkeypatch.setattr(after_posting, "FOLLOW_UPS", (broken,))
    account = builders.residential_account()

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        _cash(account, "25.00", make_user(roles.CSR_I), "after-posting-3")

    assert Payment.objects.filter(idempotency_key="after-posting-3").exists()
    assert account_balance(account.pk) == Decimal("-25.00")
    assert "After-payment step broken failed" in caplog.text
