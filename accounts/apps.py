from django.apps import AppConfig
from django.db.models.signals import post_migrate

from district import navigation
from district.roles import Perm


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Registries, not signals (DESIGN.md). The account page's panels: accounts' own, and the
        # ledger's (it sits below accounts and registers nothing for pages it cannot link to).
        from accounts import panels  # noqa: F401
        from accounts.contacts import registrations as contact_registrations  # noqa: F401
        from accounts.deposits import registrations as deposit_registrations  # noqa: F401
        from accounts.reference_data import ensure_reference_data
        from accounts.service_changes import registrations as service_registrations  # noqa: F401
        from district.ledger import panels as ledger_panels  # noqa: F401

        # Reference data, not business logic: restored after migrate and flush.
        post_migrate.connect(
            ensure_reference_data, sender=self, dispatch_uid="accounts-reference-data"
        )
        navigation.register_search("accounts:search", Perm.VIEW_ACCOUNTS)
        navigation.register(
            navigation.NavItem(
                "Search", "accounts:search", Perm.VIEW_ACCOUNTS, order=10, group="counter"
            )
        )
        navigation.register(
            navigation.NavItem(
                "New customer",
                "accounts:customer_create",
                Perm.EDIT_ACCOUNTS,
                order=15,
                group="counter",
            )
        )
