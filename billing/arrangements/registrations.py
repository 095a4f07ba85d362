"""What payment arrangements add to the shared registries (imported by its AppConfig.ready()):
the approval kind, the account page's panel, and the nightly Celery task."""

import billing.arrangements.tasks  # noqa: F401  (Celery registers the task on import)
from billing.arrangements import selectors
from billing.arrangements.services import (
    APPROVAL_KIND,
    arrangement_approve,
    arrangement_describe,
    arrangement_reject,
)
from district import panels
from district.approvals import registry
from district.roles import Perm

registry.register(
    APPROVAL_KIND,
    label="Payment arrangement",
    approve=arrangement_approve,
    reject=arrangement_reject,
    describe=arrangement_describe,
)
panels.register(
    panels.Panel(
        page="account",
        key="payment-arrangement",
        title="Payment arrangement",
        template="arrangements/_account_panel.html",
        selector=selectors.account_panel,
        permission=Perm.VIEW_ACCOUNTS,
        order=55,
    )
)
