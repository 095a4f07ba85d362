from django.apps import AppConfig


class HydrantsConfig(AppConfig):
    name = "hydrants"
    label = "hydrants"
    verbose_name = "Hydrant meter rentals"

    def ready(self):
        from hydrants import registrations  # noqa: F401
