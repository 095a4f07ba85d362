"""What online payments add to the shared registries (imported from payments/registrations.py):
the staff menu entry, the re-check task and the policies (post_migrate, as autopay's are made)."""

from django.apps import apps
from django.db.models.signals import post_migrate

import payments.online.tasks  # noqa: F401  (Celery registers the task on import)
from district import navigation
from district.reference_data import ensure_policies as create_missing_policies
from district.roles import Perm

POLICIES = [
    # key, label, value type, value, description
    (
        "online-payment-convenience-fee",
        "Online payments: convenience fee",
        "money",
        "0.00",
        "Added to each online payment, shown to the customer before they confirm, and posted "
        "as convenience fee revenue. Zero charges none.",
    ),
    (
        "online-payment-maximum",
        "Online payments: largest payment",
        "money",
        "5000.00",
        "The most a customer may pay online at once; a larger payment is taken by the office.",
    ),
    (
        "online-payment-recheck-after-minutes",
        "Online payments: minutes before an unanswered payment is re-checked",
        "integer",
        "30",
        "A payment the processor has not confirmed or refused after this many minutes is asked "
        "about again by the re-check task.",
    ),
    (
        "online-payment-rechecks",
        "Online payments: re-checks before a person reviews",
        "integer",
        "3",
        "An online payment whose outcome is still unknown after this many re-checks waits in "
        "the review queue for Finance or a supervisor.",
    ),
]


def ensure_policies(sender=None, **kwargs) -> None:
    """post_migrate receiver: the online payment policies exist after every migrate or flush."""
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


navigation.register(
    navigation.NavItem(
        "Online payments", "payments:online_payments", Perm.VIEW_LEDGER, order=67, group="cash"
    )
)
post_migrate.connect(
    ensure_policies,
    sender=apps.get_app_config("payments"),
    dispatch_uid="payments-online-policies",
)
