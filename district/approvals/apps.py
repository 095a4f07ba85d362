from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "district.approvals"
    label = "approvals"
    verbose_name = "Approvals"

    def ready(self):
        # Registries, not signals (DESIGN.md): the menu entry and the home page panels.
        from district.approvals import registrations  # noqa: F401
