"""What this area adds to the shared registries (imported by its AppConfig.ready()): the menu
entries of the shut-off list and report, the account page's shut-off panel, and what the
crew's completion of a shut-off or reconnect order does."""

import billing.shutoffs.tasks  # noqa: F401  (Celery registers the tasks on import)
from billing.collection_stops import on_collection_stopped
from billing.shutoffs.completion import reconnect_completed, shut_off_completed
from billing.shutoffs.lists import PREPARE_PERMISSION, shutoff_orders_recheck
from billing.shutoffs.panels import account_shutoff_panel, lists_to_approve_panel
from district import navigation, panels
from district.roles import Perm
from field_ops.completion.registry import register_completion_handler
from field_ops.models import WorkOrder

for item in (
    navigation.NavItem(
        "Shut-off list", "shutoffs:index", PREPARE_PERMISSION, order=56, group="billing"
    ),
    navigation.NavItem(
        "Shut-off report (SB 998)", "shutoffs:report", Perm.VIEW_REPORTS, order=80,
        group="supervision",
    ),
):  # fmt: skip
    navigation.register(item)

panels.register(
    panels.Panel(
        "account", "shutoff", "Shut-off for non-payment", "shutoffs/_account_panel.html",
        account_shutoff_panel, permission=Perm.VIEW_ACCOUNTS, order=55,
    )
)  # fmt: skip

register_completion_handler(
    WorkOrder.Type.SHUT_OFF, shut_off_completed, name="shutoffs.shut_off_completed"
)
register_completion_handler(
    WorkOrder.Type.RECONNECT, reconnect_completed, name="shutoffs.reconnect_completed"
)
panels.register(
    panels.Panel(
        "home", "shutoff-lists", "Shut-off lists to approve", "shutoffs/_home_panel.html",
        lists_to_approve_panel, permission=Perm.APPROVE_REQUESTS, order=30,
    )
)  # fmt: skip

# An arrangement or a hold withdraws the shut-off order at once (the crew's phone shows it).
on_collection_stopped("shut-off orders re-checked", shutoff_orders_recheck)
