"""Collections (the notice ladder, holds and the shut-off list): a billing area with its own migrations (billing/collections/migrations)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CollectionsConfig(AppConfig):
    name = "billing.collections"
    label = "collections"
    verbose_name = "Collections (the notice ladder, holds and the shut-off list)"

    def ready(self):
        # Registries, not signals (DESIGN.md): what this area adds is in its registrations.py.
        from billing.collections import registrations  # noqa: F401
        from billing.collections.ladder import seed_ladders

        # Reference data, not business logic: each class's default ladder, restored after
        # migrate and flush when missing; a supervisor's edits are never overwritten.
        post_migrate.connect(seed_ladders, sender=self, dispatch_uid="collections-ladders")
