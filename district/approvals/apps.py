from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "district.approvals"
    label = "approvals"
    verbose_name = "Approvals"
