"""Write-offs: a billing area with its own migrations (billing/writeoffs/migrations)."""

from django.apps import AppConfig


class WriteoffsConfig(AppConfig):
    name = "billing.writeoffs"
    label = "writeoffs"
    verbose_name = "Write-offs"

    def ready(self):
        # Registries, not signals (DESIGN.md): what this area adds is in its registrations.py.
        from billing.writeoffs import registrations  # noqa: F401
