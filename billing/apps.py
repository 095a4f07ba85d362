from django.apps import AppConfig

from district import navigation
from district.roles import Perm


class BillingConfig(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self):
        # Registries, not signals (DESIGN.md): the staff menu's billing entries.
        for item in (
            navigation.NavItem("Enter reads", "billing:read_routes", Perm.ENTER_READS, order=45),
            navigation.NavItem("Read files", "billing:read_import", Perm.ENTER_READS, order=46),
            navigation.NavItem(
                "Billing calendar", "billing:calendar", Perm.VIEW_ACCOUNTS, order=48
            ),
            navigation.NavItem("Billing cycles", "billing:cycle_list", Perm.RUN_BILLING, order=49),
            navigation.NavItem("Rates", "billing:rates", Perm.VIEW_ACCOUNTS, order=50),
            navigation.NavItem(
                "Bill calculator", "billing:calculator", Perm.VIEW_ACCOUNTS, order=52
            ),
        ):
            navigation.register(item)
