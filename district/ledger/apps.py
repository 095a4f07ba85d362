"""The ledger (double-entry books)."""

from django.apps import AppConfig

from district import navigation
from district.roles import Perm


class LedgerConfig(AppConfig):
    name = "district.ledger"
    label = "ledger"
    verbose_name = "The ledger (double-entry books)"

    def ready(self):
        navigation.register(
            navigation.NavItem(
                label="Ledger",
                url_name="ledger:trial_balance",
                permission=Perm.VIEW_LEDGER,
                order=85,
                group="supervision",
            )
        )
