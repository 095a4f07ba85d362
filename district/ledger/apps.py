"""The ledger (double-entry books)."""

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "district.ledger"
    label = "ledger"
    verbose_name = "The ledger (double-entry books)"

    def ready(self):
        # Registries, not signals (DESIGN.md): the menu entry and the account page's panels.
        from district.ledger import registrations  # noqa: F401
