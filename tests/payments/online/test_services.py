"""Online payments through the sandbox gateway: every move, posting once, the fee, the re-check."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from district.errors import ServiceError
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from district.services import nightly_user
from payments.models import BatchItem, OnlinePayment, OnlinePaymentEvent, PaymentBatch
from payments.models import SandboxCheckout as Checkout
from payments.online import gateways
from payments.online.gateways import Event, Outcome
from payments.online.services import (
    online_payment_check,
    online_payment_event_record,
    online_payment_fail_reviewed,
    online_payment_quote,
    online_payment_resolve,
    online_payment_start,
    online_payments_recheck,
)
from payments.online.tasks import online_recheck
from tests.payments.online.conftest import set_policy

pytestmark = pytest.mark.django_db
Status = OnlinePayment.Status
URLS = lambda payment: (f"https://portal.test/r/{payment.pk}", "https://portal.test/c")  # noqa: E731


def start(payer, amount="50.00", fee_shown="0.00") -> OnlinePayment:
    return online_payment_start(
        account=payer.account, amount=Decimal(amount), fee_shown=Decimal(fee_shown),
        by=payer, urls=URLS,
    )  # fmt: skip


def sandbox_answer(payment: OnlinePayment, outcome: str) -> None:
    Checkout.objects.filter(token=payment.checkout_reference).update(outcome=outcome)


def gl(purpose: str) -> Decimal:
    lines = JournalLine.objects.filter(gl_account__purpose=purpose)
    return sum(lines.values_list("amount", flat=True), Decimal("0.00"))


# -- quote and start -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, message",
    [("0.00", "above $0.00"), ("-5", "above $0.00"), ("10.005", "dollars and cents"),
     ("5000.01", "limited to $5,000.00")],
)  # fmt: skip
def test_quote_refuses_bad_amounts(db, amount, message):
    with pytest.raises(ServiceError) as refused:
        online_payment_quote(amount=Decimal(amount))
    assert message in str(refused.value)


def test_start_creates_a_pending_payment_with_its_sandbox_checkout(payer):
    # when
    payment = start(payer)
    # then
    payment.refresh_from_db()
    assert payment.status == Status.PENDING
    assert payment.gateway == "sandbox"
    assert Checkout.objects.get(token=payment.checkout_reference).amount == Decimal("50.00")


def test_start_refuses_when_the_fee_changed_since_it_was_shown(payer):
    # given the customer was shown no fee, and the district set one meanwhile
    set_policy("online-payment-convenience-fee", "1.95")
    # when / then
    with pytest.raises(ServiceError, match="convenience fee is now"):
        start(payer, fee_shown="0.00")
    assert OnlinePayment.objects.count() == 0


def test_a_gateway_that_cannot_start_fails_the_payment(payer, monkeypatch):
    def refuse(self, **kwargs):
        raise gateways.GatewayError("down")

    monkeypatch.setattr(gateways.SandboxGateway, "start", refuse)
    with pytest.raises(ServiceError, match="not answering"):
        start(payer)
    assert OnlinePayment.objects.get().status == Status.FAILED


# -- transitions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start_status, outcome, end_status",
    [
        (Status.PENDING, Outcome("succeeded", "pi_1", "card", "4242"), Status.SUCCEEDED),
        (Status.PENDING, Outcome("failed", reason="declined"), Status.FAILED),
        (Status.PENDING, Outcome("no_answer"), Status.UNKNOWN),
        (Status.PENDING, Outcome("pending"), Status.PENDING),
        (Status.UNKNOWN, Outcome("succeeded", "pi_1", "card", "4242"), Status.SUCCEEDED),
        (Status.UNKNOWN, Outcome("failed"), Status.FAILED),
        (Status.UNKNOWN, Outcome("no_answer"), Status.UNKNOWN),
        (Status.FAILED, Outcome("succeeded", "pi_1", "card", "4242"), Status.FAILED),
    ],
)
def test_each_outcome_moves_the_payment_as_the_map_allows(payer, start_status, outcome, end_status):
    # given
    payment = start(payer)
    OnlinePayment.objects.filter(pk=payment.pk).update(status=start_status)
    # when
    resolved = online_payment_resolve(payment_id=payment.pk, outcome=outcome, by=payer)
    # then
    assert resolved.status == end_status
    posted = BatchItem.objects.filter(external_id="processor:pi_1").count()
    assert posted == (1 if end_status == Status.SUCCEEDED else 0)


def test_the_transition_map_allows_nothing_out_of_a_final_state():
    assert OnlinePayment.ALLOWED_TRANSITIONS[Status.SUCCEEDED] == set()
    assert OnlinePayment.ALLOWED_TRANSITIONS[Status.FAILED] == set()
    assert OnlinePayment.ALLOWED_TRANSITIONS[Status.CREATED] == {Status.PENDING, Status.FAILED}


# -- posting once --------------------------------------------------------------------------------


def test_a_success_posts_once_through_the_processor_settlement_path(payer):
    # given a paid sandbox checkout
    payment = start(payer, "70.50")
    sandbox_answer(payment, Checkout.Outcome.PAID)
    journals = Journal.objects.count()
    # when the webhook, the return page and the task all ask
    event = gateways.SandboxGateway().event_for(
        Checkout.objects.get(token=payment.checkout_reference)
    )
    online_payment_event_record(gateway_name="sandbox", event=event, outcome=event.outcome, by=None)
    online_payment_check(payment_id=payment.pk, by=payer)
    online_payment_resolve(payment_id=payment.pk, outcome=event.outcome, by=payer)
    # then one processor batch, one item, one journal
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    item = payment.batch_item
    assert item.batch.kind == PaymentBatch.Kind.PROCESSOR
    assert item.external_id == f"processor:{payment.processor_reference}"
    assert Journal.objects.count() == journals + 1
    assert account_balance(payer.account.pk) == Decimal("50.00")
    assert ledger_problems() == []
    call_command("check_ledger")


def test_a_replayed_event_is_a_no_op(payer):
    payment = start(payer)
    sandbox_answer(payment, Checkout.Outcome.PAID)
    outcome = Outcome("succeeded", "pi_replay", "card", "4242")
    event = Event("evt_1", "sandbox.paid", payment.checkout_reference, outcome)
    online_payment_event_record(gateway_name="sandbox", event=event, outcome=outcome, by=None)
    journals = Journal.objects.count()
    # when
    again = online_payment_event_record(
        gateway_name="sandbox", event=event, outcome=outcome, by=None
    )
    # then
    assert again is None
    assert OnlinePaymentEvent.objects.filter(event_id="evt_1").count() == 1
    assert Journal.objects.count() == journals


def test_an_event_for_an_unknown_checkout_is_kept_and_changes_nothing(payer):
    event = Event("evt_x", "sandbox.paid", "no-such", Outcome("succeeded", "pi_x", "card", "1"))
    assert (
        online_payment_event_record(
            gateway_name="sandbox", event=event, outcome=event.outcome, by=None
        )
        is None
    )
    assert OnlinePaymentEvent.objects.get().payment is None
    assert not BatchItem.objects.exists()


def test_the_processors_settlement_file_later_skips_the_posted_payment(payer):
    # given an online payment posted
    payment = start(payer, "20.00")
    online_payment_resolve(
        payment_id=payment.pk, outcome=Outcome("succeeded", "pi_file", "card", "4242"), by=payer
    )
    # then the notification API's path answers it as a replay (same transaction id)
    from payments.batches.services.processor import ProcessorPayment, processor_payment_post

    item, posted = processor_payment_post(
        payment=ProcessorPayment("pi_file", payer.account.number, Decimal("20.00"), "card", "4242"),
        by=payer,
    )
    assert not posted and item.pk == OnlinePayment.objects.get().batch_item_id


# -- the fee -------------------------------------------------------------------------------------


def test_a_convenience_fee_posts_as_its_own_revenue_and_settles_with_the_payment(payer):
    # given a fee of $1.95
    set_policy("online-payment-convenience-fee", "1.95")
    payment = start(payer, "40.00", fee_shown="1.95")
    assert Checkout.objects.get(token=payment.checkout_reference).amount == Decimal("41.95")
    # when it succeeds
    online_payment_resolve(
        payment_id=payment.pk, outcome=Outcome("succeeded", "pi_fee", "card", "4242"), by=payer
    )
    # then the account is credited the payment, the fee is revenue, the batch settles both
    payment.refresh_from_db()
    assert account_balance(payer.account.pk) == Decimal("80.50")
    assert gl("fees_convenience") == Decimal("-1.95")
    assert payment.batch_item.batch.control_total == Decimal("41.95")
    assert ledger_problems() == []


def test_the_bank_settlement_of_payment_and_fee_matches_the_batch(payer, make_user):
    from district import roles
    from payments.bank.imports import bai2_import
    from payments.models import Bai2Transaction
    from tests.payments.samples_bank import bai2_bytes, detail

    set_policy("online-payment-convenience-fee", "1.95")
    payment = start(payer, "40.00", fee_shown="1.95")
    online_payment_resolve(
        payment_id=payment.pk, outcome=Outcome("succeeded", "pi_bank", "card", "4242"), by=payer
    )
    finance = make_user(roles.FINANCE, username="finance")
    # and the processor's day closed after its cut-off
    from payments.batches.services.settlement import settlement_batch_close

    payment.refresh_from_db()
    settlement_batch_close(
        batch_id=payment.batch_item.batch_id,
        by=finance,
        now=timezone.now() + datetime.timedelta(days=2),
    )
    payout_day = payment.batch_item.batch.settlement_date + datetime.timedelta(days=1)
    # when the bank file credits the processor's settlement
    result = bai2_import(
        content=bai2_bytes(
            [detail("165", "41.95", text="PROCESSOR SETTLEMENT")], as_of=payout_day
        ),
        file_name="day.bai2", by=finance,
    )  # fmt: skip
    # then it matches the online payment's batch and settlements due is cleared
    assert result.reconcile.batches == 1
    payment.refresh_from_db()
    assert Bai2Transaction.objects.get().matched_batch_id == payment.batch_item.batch_id
    assert gl("settlements_due") == Decimal("0.00")
    assert ledger_problems() == []


# -- unknown outcomes: re-check, then review ------------------------------------------------------


def test_the_recheck_resolves_a_pending_payment_the_processor_now_answers(payer):
    payment = start(payer)
    sandbox_answer(payment, Checkout.Outcome.PAID)
    set_policy("online-payment-recheck-after-minutes", "0")
    counts = online_payments_recheck(by=nightly_user())
    assert counts == {"checked": 1, "resolved": 1, "to_review": 0}
    assert OnlinePayment.objects.get().status == Status.SUCCEEDED


def test_an_unanswered_payment_becomes_unknown_then_waits_for_review(payer):
    # given a checkout that never answers, and two re-checks before review
    payment = start(payer)
    sandbox_answer(payment, Checkout.Outcome.SILENT)
    set_policy("online-payment-recheck-after-minutes", "0")
    set_policy("online-payment-rechecks", "2")
    # when the task runs once
    online_recheck.apply()
    payment.refresh_from_db()
    assert (payment.status, payment.rechecks, payment.review_since) == (Status.UNKNOWN, 1, None)
    # and again
    online_recheck.apply()
    payment.refresh_from_db()
    assert payment.status == Status.UNKNOWN and payment.review_since is not None
    # then a third run leaves it to the person
    assert online_payments_recheck(by=nightly_user())["checked"] == 0


def test_the_recheck_waits_the_policys_minutes(payer):
    payment = start(payer)
    sandbox_answer(payment, Checkout.Outcome.SILENT)
    assert online_payments_recheck(by=nightly_user())["checked"] == 0
    assert OnlinePayment.objects.get(pk=payment.pk).status == Status.PENDING


def test_a_reviewer_records_an_unknown_payment_as_not_charged(payer, make_user):
    from district import roles

    payment = start(payer)
    OnlinePayment.objects.filter(pk=payment.pk).update(status=Status.UNKNOWN)
    supervisor = make_user(roles.SUPERVISOR)
    with pytest.raises(ServiceError):
        online_payment_fail_reviewed(payment_id=payment.pk, reason="  ", by=supervisor)
    done = online_payment_fail_reviewed(payment_id=payment.pk, reason="no charge", by=supervisor)
    assert done.status == Status.FAILED and "no charge" in done.failure_reason
    with pytest.raises(ServiceError, match="only an unknown payment"):
        online_payment_fail_reviewed(payment_id=payment.pk, reason="again", by=supervisor)
