"""What the queues add to the shared registries (imported by district/registrations.py): the
catalog's queues, the supervisor's home panel and the menu entry."""

from district import navigation, panels
from district.queues import registry
from district.queues.catalog import QUEUE_CATALOG
from district.queues.panels import home_queues_panel
from district.roles import Perm

for queue in QUEUE_CATALOG:
    registry.register(queue)

panels.register(
    panels.Panel(
        page="home",
        key="supervisor-queues",
        title="Queues",
        template="district/queues/_home_panel.html",
        selector=home_queues_panel,
        permission=Perm.APPROVE_REQUESTS,
        order=10,
    )
)
navigation.register(
    navigation.NavItem(
        "Queues", "queues:index", Perm.APPROVE_REQUESTS, order=79, group="supervision"
    )
)
