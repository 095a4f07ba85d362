"""The processors a customer pays through, behind one interface, chosen by PAYMENT_GATEWAY.

Both send the customer to a page the processor serves (PCI SAQ-A: the portal never sees a card
or bank number) and tell us the outcome two ways: a notification (webhook) and an answer when
asked (the return page and the re-check task ask).

- StripeGateway: a Stripe Checkout Session; webhooks verified by stripe.Webhook.construct_event
  with STRIPE_WEBHOOK_SECRET.
- SandboxGateway: the district's stand-in processor for the demo and tests; its "hosted page"
  is served by this app (payments:online_sandbox) and offers succeed, decline or never answer.
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse

from payments.models import SandboxCheckout

SUCCEEDED, FAILED, PENDING, NO_ANSWER = "succeeded", "failed", "pending", "no_answer"


class GatewayError(Exception):
    """The processor refused or could not be reached (the customer is told to try later)."""


class BadSignature(Exception):
    """A notification that does not carry the processor's valid signature."""


@dataclass(frozen=True)
class Checkout:
    reference: str  # the processor's id of the checkout
    url: str  # where the customer goes to pay


@dataclass(frozen=True)
class Outcome:
    status: str  # SUCCEEDED, FAILED, PENDING (still paying) or NO_ANSWER (we could not tell)
    processor_reference: str = ""  # the processor's payment id, once paid
    method: str = "card"  # card or ach, as the settlement file says
    last4: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Event:
    event_id: str
    kind: str
    checkout_reference: str
    # What the event itself says; None when it only says "look" (the gateway is then asked).
    outcome: Outcome | None


@dataclass(frozen=True)
class CheckoutLine:
    description: str
    amount: Decimal


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class StripeGateway:
    name = "stripe"
    origin = "https://checkout.stripe.com"

    # Checkout Session events that settle an attempt (docs: "Fulfill orders"): completed with
    # payment_status paid; async (ACH) success or failure; an expired session.
    EVENTS = (
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
    )

    def _key(self) -> str:
        if not settings.STRIPE_SECRET_KEY:
            raise GatewayError("STRIPE_SECRET_KEY is not set.")
        return settings.STRIPE_SECRET_KEY

    def start(self, *, payment, lines: list[CheckoutLine], return_url: str, cancel_url: str):
        try:
            session = stripe.checkout.Session.create(
                api_key=self._key(),
                mode="payment",
                line_items=[
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": _cents(line.amount),
                            "product_data": {"name": line.description},
                        },
                    }
                    for line in lines
                ],
                client_reference_id=str(payment.pk),
                metadata={"online_payment": str(payment.pk)},
                success_url=f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=cancel_url,
                idempotency_key=f"online-payment-{payment.pk}",
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error.user_message or error)) from error
        return Checkout(reference=session.id, url=session.url)

    def outcome(self, checkout_reference: str) -> Outcome:
        try:
            session = stripe.checkout.Session.retrieve(
                checkout_reference,
                api_key=self._key(),
                expand=["payment_intent.latest_charge"],
            )
        except stripe.StripeError:
            return Outcome(NO_ANSWER)
        return self._session_outcome(session.to_dict())

    def _session_outcome(self, session: dict) -> Outcome:
        if session.get("status") == "expired":
            return Outcome(FAILED, reason="The checkout expired before the customer paid.")
        if session.get("payment_status") != "paid":
            return Outcome(PENDING)
        intent = session.get("payment_intent")
        intent_id = intent if isinstance(intent, str) else (intent or {}).get("id", "")
        charge = intent.get("latest_charge") if intent and not isinstance(intent, str) else None
        details = (charge or {}).get("payment_method_details") or {}
        if details.get("type") == "us_bank_account":
            return Outcome(
                SUCCEEDED, intent_id, "ach", (details.get("us_bank_account") or {}).get("last4", "")
            )
        return Outcome(SUCCEEDED, intent_id, "card", (details.get("card") or {}).get("last4", ""))

    def parse_event(self, payload: bytes, headers) -> Event | None:
        """The verified event (None for an event type we do not act on); BadSignature if the
        signature or payload is not Stripe's."""
        try:
            event = stripe.Webhook.construct_event(
                payload, headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
            )
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise BadSignature(str(error)) from error
        event = event.to_dict()  # stripe-python 8+ objects are not dicts
        if event["type"] not in self.EVENTS:
            return None
        session = event["data"]["object"]
        outcome = None  # completed or async success: ask Stripe for the payment and its last4
        if event["type"] == "checkout.session.async_payment_failed":
            outcome = Outcome(FAILED, reason="The bank declined the payment.")
        elif event["type"] == "checkout.session.expired":
            outcome = Outcome(FAILED, reason="The checkout expired before the customer paid.")
        elif session.get("payment_status") != "paid":
            outcome = Outcome(PENDING)  # completed, an ACH payment still clearing
        return Event(event["id"], event["type"], session["id"], outcome)


class SandboxGateway:
    """The offline stand-in: its page is ours, so its origin is the portal's own."""

    name = "sandbox"
    origin = ""  # 'self' only

    def start(self, *, payment, lines: list[CheckoutLine], return_url: str, cancel_url: str):
        checkout = SandboxCheckout.objects.create(
            token=secrets.token_urlsafe(24),
            amount=sum((line.amount for line in lines), Decimal("0.00")),
            description="; ".join(line.description for line in lines)[:200],
            return_url=return_url,
            cancel_url=cancel_url,
        )
        return Checkout(
            reference=checkout.token,
            url=reverse("payments:online_sandbox", kwargs={"sandbox_token": checkout.token}),
        )

    def outcome(self, checkout_reference: str) -> Outcome:
        checkout = SandboxCheckout.objects.filter(token=checkout_reference).first()
        if checkout is None:
            return Outcome(NO_ANSWER)
        return self._outcome(checkout)

    @staticmethod
    def _outcome(checkout: SandboxCheckout) -> Outcome:
        if checkout.outcome == SandboxCheckout.Outcome.PAID:
            return Outcome(SUCCEEDED, f"sbx_{checkout.token[:20]}", "card", "4242")
        if checkout.outcome == SandboxCheckout.Outcome.DECLINED:
            return Outcome(FAILED, reason="The card was declined (sandbox).")
        if checkout.outcome == SandboxCheckout.Outcome.OPEN:
            return Outcome(PENDING)
        return Outcome(NO_ANSWER)

    def event_for(self, checkout: SandboxCheckout) -> Event:
        """The notification the sandbox sends when its page is answered."""
        return Event(
            f"sbx_evt_{secrets.token_hex(12)}",
            f"sandbox.{checkout.outcome}",
            checkout.token,
            self._outcome(checkout),
        )


GATEWAYS = {"stripe": StripeGateway, "sandbox": SandboxGateway}


def gateway(name: str | None = None):
    """The configured gateway (PAYMENT_GATEWAY), or the named one (a payment's own)."""
    return GATEWAYS[name or settings.PAYMENT_GATEWAY]()
