"""What this area adds to the shared registries (imported by its AppConfig.ready()): the
"write-off" approval kind, the account page's write-offs panel, the menu entries, the tasks."""

import billing.writeoffs.tasks  # noqa: F401  (Celery registers the tasks on import)
from billing.writeoffs import selectors
from billing.writeoffs.services import (
    WRITE_OFF_KIND,
    writeoff_approve,
    writeoff_describe,
    writeoff_reject,
)
from district import navigation, panels
from district.approvals import registry
from district.roles import Perm

registry.register(
    WRITE_OFF_KIND,
    label="Write-off of an uncollectible balance",
    approve=writeoff_approve,
    reject=writeoff_reject,
    describe=writeoff_describe,
)
panels.register(
    panels.Panel(
        page="account",
        key="write-offs",
        title="Write-offs",
        template="writeoffs/_account_panel.html",
        selector=selectors.account_panel,
        permission=Perm.VIEW_ACCOUNTS,
        order=65,
    )
)
for item in (
    navigation.NavItem(
        "Write-off proposals",
        "writeoffs:proposals",
        Perm.VIEW_REPORTS,
        order=70,
        group="supervision",
    ),
    navigation.NavItem(
        "Write-offs", "writeoffs:list", Perm.VIEW_REPORTS, order=71, group="supervision"
    ),
    navigation.NavItem(
        "Collection agency files",
        "writeoffs:exports",
        Perm.APPROVE_REQUESTS,
        order=72,
        group="supervision",
    ),
):
    navigation.register(item)
