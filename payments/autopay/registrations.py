"""What autopay adds to the shared registries (imported from payments/registrations.py): the
account page's panel, the customer home's panel, the ACH files menu entry, its Celery task, and
its policies (post_migrate, as the hydrant usage policies are made)."""

from django.apps import apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

import payments.autopay.tasks  # noqa: F401  (Celery registers the task on import)
from district import navigation, panels
from district.reference_data import ensure_policies as create_missing_policies
from district.roles import Perm
from payments.autopay.selectors import account_panel, customer_home_panel

POLICIES = [
    # key, label, value type, value, description
    (
        "autopay-prenote-days",
        "Autopay: banking days a prenote waits for a return",
        "integer",
        "3",
        "A new or changed bank account turns active for drafts when its zero-dollar prenote has "
        "gone this many banking days without a return.",
    ),
    (
        "autopay-reminder-days",
        "Autopay: days before a draft the reminder e-mail goes",
        "integer",
        "3",
        "The customer is e-mailed the amount and date of each autopay draft this many days "
        "before it (once per bill).",
    ),
]


def ensure_policies(sender=None, **kwargs) -> None:
    """post_migrate receiver: the autopay policies exist after every migrate or flush (an
    edited value is never overwritten)."""
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
        "ACH files", "payments:ach_files", Perm.RECONCILE_BANK, order=66, group="cash"
    )
)
panels.register(
    panels.Panel(
        "account", "autopay", "Autopay", "payments/autopay/_account_panel.html", account_panel,
        permission=Perm.VIEW_ACCOUNTS, order=58,
    )
)  # fmt: skip
panels.register(
    panels.Panel(
        "customer_home", "autopay", _("Autopay"), "payments/autopay/_home_panel.html",
        customer_home_panel, order=20,
    )
)  # fmt: skip
post_migrate.connect(
    ensure_policies,
    sender=apps.get_app_config("payments"),
    dispatch_uid="payments-autopay-policies",
)
