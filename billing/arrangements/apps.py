"""Payment arrangements: a billing area with its own migrations (billing/arrangements/migrations)."""

from django.apps import AppConfig


class ArrangementsConfig(AppConfig):
    name = "billing.arrangements"
    label = "arrangements"
    verbose_name = "Payment arrangements"

    def ready(self):
        # Registries, not signals (DESIGN.md): what this area adds is in its registrations.py.
        from billing.arrangements import registrations  # noqa: F401
