from django.apps import AppConfig


class FieldOpsConfig(AppConfig):
    name = "field_ops"
    label = "field_ops"
    verbose_name = "Field operations"

    def ready(self):
        # Registries, not signals (DESIGN.md): menu entries, panels, history models.
        from field_ops import registrations  # noqa: F401
