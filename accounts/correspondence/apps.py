"""Correspondence: an accounts area with its own migrations (accounts/correspondence/migrations)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CorrespondenceConfig(AppConfig):
    name = "accounts.correspondence"
    label = "correspondence"
    verbose_name = "Correspondence"

    def ready(self):
        # Registries, not signals (DESIGN.md): what this area adds is in its registrations.py.
        from accounts.correspondence import registrations, seeds

        # Seeding reference data after migrate is not business logic: the starting letters
        # exist in every database (tests included) and a supervisor's edits are never replaced.
        post_migrate.connect(seeds.seed_letter_templates, sender=self)
        del registrations
