from django.apps import AppConfig

from district import navigation
from district.roles import Perm


class FieldOpsConfig(AppConfig):
    name = "field_ops"
    label = "field_ops"
    verbose_name = "Field operations"

    def ready(self):
        # Registries, not signals (DESIGN.md): the account page's consumption panel, the menu.
        from field_ops import finder, panels, technician  # noqa: F401

        navigation.register(
            navigation.NavItem(
                "Premises", "field_ops:premise_list", Perm.VIEW_ACCOUNTS, order=20, group="field"
            )
        )
        navigation.register(
            navigation.NavItem(
                "Meters", "field_ops:meter_list", Perm.VIEW_ACCOUNTS, order=30, group="field"
            )
        )
        for item in (
            navigation.NavItem(
                "Find a property",
                "field_ops:premise_finder",
                Perm.VIEW_ACCOUNTS,
                order=25,
                group="counter",
            ),
            navigation.NavItem(
                "Meter stock", "field_ops:meter_stock", Perm.VIEW_ACCOUNTS, order=35, group="field"
            ),
            navigation.NavItem(
                "Dispatch",
                "field_ops:dispatch_board",
                Perm.DISPATCH_WORK_ORDERS,
                order=40,
                group="field",
            ),
            navigation.NavItem(
                "Field reports",
                "field_ops:field_reports",
                Perm.VIEW_REPORTS,
                order=80,
                group="field",
            ),
        ):
            navigation.register(item)
