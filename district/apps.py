from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class DistrictConfig(AppConfig):
    name = "district"
    verbose_name = "District"

    def ready(self):
        from district import registrations  # noqa: F401  (checks, menu, history models)
        from district.reference_data import ensure_reference_data

        # Reference data, not business logic: restored after migrate and flush like permissions.
        post_migrate.connect(
            ensure_reference_data, sender=self, dispatch_uid="district-reference-data"
        )


class DistrictAdminConfig(AdminConfig):
    default_site = "district.admin_site.DistrictAdminSite"
