"""The Stripe gateway offline: webhooks signed as Stripe signs them; only Stripe's API calls are
mocked."""

from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
import stripe
from django.urls import reverse

from district.ledger.models import Journal
from district.ledger.selectors import account_balance, ledger_problems
from payments.models import BatchItem, OnlinePayment, OnlinePaymentEvent
from payments.online.services import online_payment_start
from tests.payments.online.conftest import WEBHOOK_SECRET, stripe_event, stripe_signed

pytestmark = pytest.mark.django_db
URL = "/payments/online/webhook/stripe/"


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def paid_session(session_id="cs_test_1", intent="pi_test_1"):
    return stripe.checkout.Session.construct_from(
        {
            "id": session_id, "object": "checkout.session", "status": "complete",
            "payment_status": "paid",
            "payment_intent": {
                "id": intent, "object": "payment_intent",
                "latest_charge": {
                    "id": "ch_1", "object": "charge",
                    "payment_method_details": {"type": "card", "card": {"last4": "4242"}},
                },
            },
        },
        "sk_test_x",
    )  # fmt: skip


@pytest.fixture
def pending(payer):
    with mock.patch.object(
        stripe.checkout.Session, "create",
        return_value=SimpleNamespace(id="cs_test_1", url="https://checkout.stripe.com/c/pay/cs_test_1"),
    ) as create:  # fmt: skip
        payment = online_payment_start(
            account=payer.account, amount=Decimal("60.00"), fee_shown=Decimal("0.00"), by=payer,
            urls=lambda p: (f"https://portal.test/r/{p.pk}", "https://portal.test/c"),
        )  # fmt: skip
    payment.create_kwargs = create.call_args.kwargs
    return payment


def post(client, payload, secret=WEBHOOK_SECRET, signature=None):
    body, header = stripe_signed(payload, secret)
    return client.post(URL, body, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signature or header)  # fmt: skip


def test_start_opens_a_checkout_session_for_the_amount(pending):
    assert pending.status == OnlinePayment.Status.PENDING
    assert pending.checkout_reference == "cs_test_1"
    assert pending.checkout_url.startswith("https://checkout.stripe.com/")
    kwargs = pending.create_kwargs
    assert kwargs["line_items"][0]["price_data"]["unit_amount"] == 6000
    assert kwargs["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    assert kwargs["idempotency_key"] == f"online-payment-{pending.pk}"


@pytest.mark.parametrize("secret", ["whsec_wrong", None])
def test_a_wrong_signature_is_refused_and_nothing_written(client, pending, secret):
    payload = stripe_event(
        "evt_1",
        "checkout.session.completed",
        {"id": "cs_test_1", "payment_status": "paid", "status": "complete"},
    )
    journals = Journal.objects.count()
    response = (post(client, payload, secret) if secret
                else post(client, payload, signature="t=1,v1=deadbeef"))  # fmt: skip
    assert response.status_code == 400
    assert not OnlinePaymentEvent.objects.exists()
    assert Journal.objects.count() == journals
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.PENDING


def test_a_completed_session_posts_once_and_a_replay_is_a_no_op(client, pending, payer):
    payload = stripe_event(
        "evt_paid",
        "checkout.session.completed",
        {"id": "cs_test_1", "payment_status": "paid", "status": "complete"},
    )
    with mock.patch.object(stripe.checkout.Session, "retrieve", return_value=paid_session()) as ask:
        first = post(client, payload)
        journals = Journal.objects.count()
        replay = post(client, payload)
    assert (first.status_code, replay.status_code) == (200, 200)
    assert ask.call_count == 1  # the replay did not even ask Stripe
    payment = OnlinePayment.objects.get()
    assert payment.status == OnlinePayment.Status.SUCCEEDED
    assert (payment.processor_reference, payment.last4) == ("pi_test_1", "4242")
    assert BatchItem.objects.get().external_id == "processor:pi_test_1"
    assert Journal.objects.count() == journals
    assert OnlinePaymentEvent.objects.count() == 1
    assert account_balance(payer.account.pk) == Decimal("60.50")
    assert ledger_problems() == []


def test_an_expired_session_fails_the_payment(client, pending):
    payload = stripe_event(
        "evt_exp",
        "checkout.session.expired",
        {"id": "cs_test_1", "payment_status": "unpaid", "status": "expired"},
    )
    assert post(client, payload).status_code == 200
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.FAILED
    assert not BatchItem.objects.exists()


def test_other_event_types_are_acknowledged_and_ignored(client, pending):
    payload = stripe_event("evt_other", "customer.created", {"id": "cus_1"})
    assert post(client, payload).status_code == 200
    assert not OnlinePaymentEvent.objects.exists()


def test_the_return_page_asks_stripe_before_the_webhook_arrives(client, pending, payer):
    client.force_login(payer)
    url = reverse("portal:pay_return", kwargs={"account_id": payer.account.pk,
                                                "online_payment_id": pending.pk})  # fmt: skip
    with mock.patch.object(stripe.checkout.Session, "retrieve", return_value=paid_session()):
        response = client.get(url)
    assert response.status_code == 200
    assert 'data-status="succeeded"' in response.content.decode()
    # the webhook arriving afterwards changes nothing
    payload = stripe_event(
        "evt_late",
        "checkout.session.completed",
        {"id": "cs_test_1", "payment_status": "paid", "status": "complete"},
    )
    journals = Journal.objects.count()
    with mock.patch.object(stripe.checkout.Session, "retrieve", return_value=paid_session()):
        assert post(client, payload).status_code == 200
    assert Journal.objects.count() == journals
    assert BatchItem.objects.count() == 1


def test_stripe_unreachable_on_the_return_page_makes_the_payment_unknown(client, pending, payer):
    client.force_login(payer)
    url = reverse("portal:pay_return", kwargs={"account_id": payer.account.pk,
                                                "online_payment_id": pending.pk})  # fmt: skip
    with mock.patch.object(stripe.checkout.Session, "retrieve",
                           side_effect=stripe.APIConnectionError("down")):  # fmt: skip
        response = client.get(url)
    assert 'data-status="unknown"' in response.content.decode()
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.UNKNOWN


def test_the_pay_page_csp_allows_stripe_checkout_only(payer_client, payer):
    response = payer_client.get(reverse("portal:pay", kwargs={"account_id": payer.account.pk}))
    policy = response.headers["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part)
    assert form_action.split() == ["form-action", "'self'", "https://checkout.stripe.com"]
