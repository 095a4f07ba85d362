from django.apps import AppConfig


class FieldOpsConfig(AppConfig):
    name = "field_ops"
    label = "field_ops"
    verbose_name = "Field operations"
