"""Hydrant meter rentals."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HydrantsConfig(AppConfig):
    name = "hydrants"
    label = "hydrants"
    verbose_name = "Hydrant meter rentals"

    def ready(self):
        from hydrants import registrations  # noqa: F401
        from hydrants.reference_data import ensure_reference_data

        # Reference data, not business logic: restored after migrate and flush.
        post_migrate.connect(
            ensure_reference_data, sender=self, dispatch_uid="hydrants-reference-data"
        )
