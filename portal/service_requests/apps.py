"""Customers' online requests (start, stop, transfer) and CSRs' "view as customer" log: a
portal area with its own migrations (portal/service_requests/migrations)."""

from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "portal.service_requests"
    label = "portal_requests"
    verbose_name = "Customers' online requests"

    def ready(self):
        # Registries, not signals (DESIGN.md): what the portal's pages add is in registrations.py.
        from portal import registrations  # noqa: F401
