"""Registrations of this feature (completion handlers, approval kinds, panels, menu entries),
imported by accounts/registrations.py."""

from accounts.service_changes import services, views
from district import navigation, panels
from district.roles import Perm
from field_ops.completion import register_completion_handler
from field_ops.models import WorkOrder

# The app that creates a work-order type owns what its completion does (DESIGN.md).
register_completion_handler(
    WorkOrder.Type.TURN_ON, services.start_order_completed, name="accounts.start_activates_account"
)
register_completion_handler(
    WorkOrder.Type.START_READ,
    services.start_order_completed,
    name="accounts.start_activates_account",
)
register_completion_handler(
    WorkOrder.Type.FINAL_READ,
    services.final_read_completed,
    name="accounts.final_read_awaits_final_bill",
)

navigation.register(
    navigation.NavItem(
        "Start service",
        "accounts:service_start",
        Perm.START_STOP_SERVICE,
        order=20,
        group="counter",
    )
)

panels.register(
    panels.Panel(
        page="account",
        key="service_changes",
        title="Start and stop of service",
        template="accounts/service_changes/_panel_account.html",
        selector=views.account_service_panel,
        permission=Perm.VIEW_ACCOUNTS,
        order=45,
    )
)
panels.register(
    panels.Panel(
        page="premise",
        key="owner_agreement",
        title="Revert to owner",
        template="accounts/service_changes/_panel_premise.html",
        selector=views.premise_agreement_panel,
        permission=Perm.VIEW_ACCOUNTS,
        order=60,
    )
)
