from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Registries, not signals (DESIGN.md): everything accounts adds to them is listed in
        # accounts/registrations.py.
        from accounts import registrations  # noqa: F401
        from accounts.reference_data import ensure_reference_data

        # Reference data, not business logic: restored after migrate and flush.
        post_migrate.connect(
            ensure_reference_data, sender=self, dispatch_uid="accounts-reference-data"
        )
