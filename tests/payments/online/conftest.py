"""A customer whose login holds one account owing $120.50, and a helper to sign Stripe payloads."""

import hashlib
import hmac
import json
import time

import pytest

from district import roles
from district.models import Policy
from portal.models import AccountLink
from tests.factories import ServiceAccountFactory, post_bill

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def payer(make_user):
    user = make_user(roles.CUSTOMER, username="payer")
    account = ServiceAccountFactory()
    post_bill(account, "120.50")
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    user.account = account
    return user


@pytest.fixture
def payer_client(client, payer):
    client.force_login(payer)
    return client


def set_policy(key: str, value: str) -> None:
    assert Policy.objects.filter(key=key).update(value=value) == 1


def stripe_signed(payload: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    """The body and Stripe-Signature header as Stripe signs them (HMAC-SHA256 of
    "<timestamp>.<body>" with the endpoint's secret, scheme v1)."""
    body = json.dumps(payload).encode()
    timestamp = int(time.time())
    signature = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return body, f"t={timestamp},v1={signature}"


def stripe_event(event_id: str, kind: str, session: dict) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "data": {"object": {"object": "checkout.session", **session}},
    }
