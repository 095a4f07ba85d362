"""Registrations of batches (imported from payments/registrations.py): the menu entry, the
settlement close task and the processor settlement policies (post_migrate, as online
payments' are made)."""

from django.apps import apps
from django.db.models.signals import post_migrate

import payments.batches.tasks  # noqa: F401  (Celery registers the settlement close task)
from district import navigation
from district.reference_data import ensure_policies as create_missing_policies
from district.roles import Perm

navigation.register(
    navigation.NavItem(
        "Payment batches", "payments:batch_list", Perm.TAKE_PAYMENTS, order=61, group="cash"
    )
)

POLICIES = [
    # key, label, value type, value, description
    (
        "processor-settlement-cutoff",
        "Processors: settlement day cut-off",
        "text",
        "17:00",
        "When a processor's settlement day ends (24-hour HH:MM, district time): a payment taken "
        "at or after it settles with the next day's payout; 00:00 means midnight. A processor "
        "with its own cut-off is named after the default, e.g. 17:00; stripe=00:00. The day's "
        "settlement batch closes after its cut-off.",
    ),
    (
        "processor-net-settlement",
        "Processors: settle net of their fees",
        "text",
        "",
        "The processors (codes as settlement batches show them, e.g. stripe, phone-ivr: a notification token's name as a slug), "
        "comma-separated, whose daily payout is the day's payments less their fees. Finance "
        "matches such a payout to its batch by hand, which posts the difference as processor "
        "fees. Empty: every processor pays the day's full total (gross).",
    ),
    (
        "processor-fee-tolerance-percent",
        "Processors: most fees kept of a net payout",
        "percent",
        "5",
        "A net-settling processor's payout may fall short of its batch by at most this share "
        "of the batch to be matched with the difference booked as processor fees.",
    ),
]


def ensure_policies(sender=None, **kwargs) -> None:
    """post_migrate receiver: the settlement policies exist after every migrate or flush."""
    state = kwargs.get("apps") or apps
    try:
        policy_model = state.get_model("district", "Policy")
    except LookupError:
        return
    create_missing_policies(
        policy_model,
        [
            (key, label, "payments", kind, value, about)
            for key, label, kind, value, about in POLICIES
        ],
    )


post_migrate.connect(
    ensure_policies,
    sender=apps.get_app_config("payments"),
    dispatch_uid="payments-settlement-policies",
)
