"""What this area adds to the shared registries (imported by its AppConfig.ready()): the staff
menu's collections pages, the account page's panel, the door hanger's completion handler and
the nightly ladder's Celery task."""

import billing.collections.tasks  # noqa: F401  (Celery registers the task on import)
from billing.collections.panels import collections_panel
from billing.collections.services.visits import door_hanger_completed
from district import navigation, panels
from district.roles import Perm
from field_ops.completion.registry import register_completion_handler
from field_ops.models import WorkOrder

for item in (
    navigation.NavItem(
        "Collections", "collections:queue", Perm.VIEW_ACCOUNTS, order=53, group="billing"
    ),
    navigation.NavItem(
        "Collection ladder", "collections:ladder", Perm.MANAGE_POLICIES, order=54, group="billing"
    ),
):
    navigation.register(item)

panels.register(
    panels.Panel(
        "account", "collections", "Collections", "collections/panels/collections.html",
        collections_panel, permission=Perm.VIEW_ACCOUNTS, order=55,
    )
)  # fmt: skip

# The good-faith visit's time stamp is what the crew entered on the door hanger's completion.
register_completion_handler(
    WorkOrder.Type.DOOR_HANGER, door_hanger_completed, name="collections.door_hanger_visit"
)
