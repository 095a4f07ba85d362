from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self):
        # Registries, not signals (DESIGN.md): everything billing adds to them is listed in
        # billing/registrations.py.
        from billing import registrations  # noqa: F401
