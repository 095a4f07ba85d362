"""What the billing app adds to the shared registries (imported by BillingConfig.ready()): the
staff menu's billing entries, the bills panels, the completion handlers of the bill audit's
re-read and leak orders, each area's approval kinds and panels, and its Celery tasks."""

from django.utils.translation import gettext_lazy as _

import billing.bill_runs.tasks  # noqa: F401  (Celery registers the tasks on import)
import billing.corrections.registrations  # noqa: F401  (approval kinds, the adjustments panel)
import billing.refunds.registrations  # noqa: F401  (credit refunds' approval kinds)
import billing.tasks  # noqa: F401  (issue, final bills, late penalties: Celery tasks)
from billing.bill_runs.close_check import bill_runs_posted
from billing.bill_runs.scheduled_panel import scheduled_runs_panel
from billing.bill_runs.services import AUDIT_ORDER_TYPES, audit_order_completed
from billing.documents.panels import bills_panel, customer_bills_panel
from billing.registers import REGISTERS as BILLING_REGISTERS
from district import navigation, panels, registers
from district.ledger.periods import close_checks
from district.roles import Perm
from field_ops.completion.registry import register_completion_handler

registers.register_all(BILLING_REGISTERS)  # the billing register (Supervision menu)
for item in (
    navigation.NavItem(
        "Enter reads", "billing:read_routes", Perm.ENTER_READS, order=45, group="billing"
    ),
    navigation.NavItem(
        "Read files", "billing:read_import", Perm.ENTER_READS, order=46, group="billing"
    ),
    navigation.NavItem(
        "Billing calendar", "billing:calendar", Perm.VIEW_ACCOUNTS, order=48, group="billing"
    ),
    navigation.NavItem(
        "Billing cycles", "billing:cycle_list", Perm.RUN_BILLING, order=49, group="billing"
    ),
    navigation.NavItem(
        "Bill runs", "billing:bill_runs", Perm.RUN_BILLING, order=49, group="billing"
    ),
    navigation.NavItem("Rates", "billing:rates", Perm.VIEW_ACCOUNTS, order=50, group="billing"),
    navigation.NavItem(
        "Bill calculator", "billing:calculator", Perm.VIEW_ACCOUNTS, order=52, group="billing"
    ),
):
    navigation.register(item)

panels.register(
    panels.Panel(
        "account", "bills", "Bills", "billing/bills/panels/bills.html", bills_panel,
        permission=Perm.VIEW_ACCOUNTS, order=50,
    )
)  # fmt: skip
panels.register(
    panels.Panel(
        "customer_home", "bills", _("Your bills"), "billing/portal/_home_panel.html",
        customer_bills_panel, order=10,
    )
)  # fmt: skip
panels.register(
    panels.Panel(
        "home", "scheduled-runs", "Scheduled bill runs",
        "billing/calendar/_panel_scheduled_runs.html", scheduled_runs_panel,
        permission=Perm.APPROVE_REQUESTS, order=24,
    )
)  # fmt: skip

# Re-read and leak orders filed by the bill audit recalculate the held bill when completed.
for order_type in AUDIT_ORDER_TYPES:
    register_completion_handler(
        order_type, audit_order_completed, name="billing.bill_audit_order_completed"
    )

close_checks.register("bill_runs", "Bill runs of the month posted", bill_runs_posted, order=10)
