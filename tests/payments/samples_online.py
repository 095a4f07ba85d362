"""Builders of URL arguments and POST-only page names of online payments (merged by the access
matrix): a sandbox checkout's token and an online payment of a sample account."""

import secrets
from decimal import Decimal

from payments.models import OnlinePayment, SandboxCheckout
from tests import factories


def sample_sandbox_token() -> str:
    return SandboxCheckout.objects.create(
        token=secrets.token_urlsafe(24), amount=Decimal("10.00"), description="Sample payment",
        return_url="/", cancel_url="/",
    ).token  # fmt: skip


def sample_online_payment() -> int:
    return OnlinePayment.objects.create(
        account=factories.ServiceAccountFactory(), gateway="sandbox", amount=Decimal("10.00"),
        created_by=factories.UserFactory(),
    ).pk  # fmt: skip


SAMPLE_KWARGS = {
    "sandbox_token": sample_sandbox_token,
    "online_payment_id": sample_online_payment,
}
POST_ONLY = {
    "payments:online_payment_recheck",
    "payments:online_payment_fail",
    "payments:online_stripe_webhook",
}
