"""Shut-off and reconnection: a billing area with its own migrations (billing/shutoffs/migrations)."""

from django.apps import AppConfig


class ShutoffsConfig(AppConfig):
    name = "billing.shutoffs"
    label = "shutoffs"
    verbose_name = "Shut-off and reconnection"

    def ready(self):
        # Registries, not signals (DESIGN.md): what this area adds is in its registrations.py.
        from billing.shutoffs import registrations  # noqa: F401
