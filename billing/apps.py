from django.apps import AppConfig

from district import navigation
from district.roles import Perm


class BillingConfig(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self):
        import billing.corrections.registrations  # noqa: F401 (approval kinds, panels)
        import billing.documents.panels  # noqa: F401  (registers the account page's bills panel)

        # Registries, not signals (DESIGN.md): the staff menu's billing entries.
        for item in (
            navigation.NavItem(
                "Enter reads", "billing:read_routes", Perm.ENTER_READS, order=45, group="billing"
            ),
            navigation.NavItem(
                "Read files", "billing:read_import", Perm.ENTER_READS, order=46, group="billing"
            ),
            navigation.NavItem(
                "Billing calendar",
                "billing:calendar",
                Perm.VIEW_ACCOUNTS,
                order=48,
                group="billing",
            ),
            navigation.NavItem(
                "Billing cycles", "billing:cycle_list", Perm.RUN_BILLING, order=49, group="billing"
            ),
            navigation.NavItem(
                "Bill runs", "billing:bill_runs", Perm.RUN_BILLING, order=49, group="billing"
            ),
            navigation.NavItem(
                "Rates", "billing:rates", Perm.VIEW_ACCOUNTS, order=50, group="billing"
            ),
            navigation.NavItem(
                "Bill calculator",
                "billing:calculator",
                Perm.VIEW_ACCOUNTS,
                order=52,
                group="billing",
            ),
        ):
            navigation.register(item)
        # Bill runs: the tasks, and re-read / leak orders from the audit recalculate held bills.
        import billing.bill_runs.tasks  # noqa: F401  (registers the Celery tasks)
        from billing.bill_runs.services import AUDIT_ORDER_TYPES, audit_order_completed
        from field_ops.completion.registry import register_completion_handler

        for order_type in AUDIT_ORDER_TYPES:
            register_completion_handler(
                order_type, audit_order_completed, name="billing.bill_audit_order_completed"
            )
        # Issue, final bills, late penalties (billing/tasks.py): the tasks and an approval kind.
        import billing.tasks  # noqa: F401  (registers the Celery tasks)
        from billing.final_bills import register_approval_kinds

        register_approval_kinds()
