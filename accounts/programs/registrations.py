"""What programs add to the shared registries: the account page panel, the menu entries, and
the starting programs (reference data, restored after migrate and flush like the app's own)."""

from django.apps import apps
from django.db.models.signals import post_migrate

from accounts.programs.reference_data import ensure_programs

post_migrate.connect(
    ensure_programs,
    sender=apps.get_app_config("accounts"),
    dispatch_uid="accounts-programs-reference-data",
)
