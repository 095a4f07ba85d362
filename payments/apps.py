from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self):
        import payments.registrations  # noqa: F401  (approval kinds, panels, menu, sources)
