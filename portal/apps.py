from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer portal: enrolment, the accounts a login holds, and what customers see."""

    name = "portal"
    verbose_name = "Customer portal"

    def ready(self):
        # Registries, not signals (DESIGN.md).
        from portal.enrolment import registrations  # noqa: F401
