"""Registrations of corrections and adjustments (imported by billing/registrations.py)."""

from billing.corrections import selectors
from billing.corrections.services import (
    ADJUSTMENT_KIND,
    LEAK_KIND,
    adjustment_approve,
    adjustment_describe,
    adjustment_reject,
)
from district import panels
from district.approvals import registry
from district.roles import Perm

registry.register(
    ADJUSTMENT_KIND,
    label="Account adjustment over limit",
    approve=adjustment_approve,
    reject=adjustment_reject,
    describe=adjustment_describe,
)
registry.register(
    LEAK_KIND,
    label="Leak adjustment",
    approve=adjustment_approve,
    reject=adjustment_reject,
    describe=adjustment_describe,
)
panels.register(
    panels.Panel(
        page="account",
        key="adjustments",
        title="Adjustments",
        template="billing/corrections/_account_panel.html",
        selector=selectors.account_panel,
        permission=Perm.VIEW_ACCOUNTS,
        order=60,
    )
)
