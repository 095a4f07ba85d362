from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Registries, not signals (DESIGN.md): approval kinds, panels, menu, history sources.
        from payments import registrations  # noqa: F401
