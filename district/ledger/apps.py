from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "district.ledger"
    label = "ledger"
    verbose_name = "The ledger (double-entry books)"
