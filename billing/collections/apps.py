"""Collections (the notice ladder, holds and the shut-off list): a billing area with its own migrations (billing/collections/migrations)."""

from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "billing.collections"
    label = "collections"
    verbose_name = "Collections (the notice ladder, holds and the shut-off list)"

    def ready(self):
        # Registries, not signals (DESIGN.md): what this area adds is in its registrations.py.
        from billing.collections import registrations  # noqa: F401
