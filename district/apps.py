from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class DistrictConfig(AppConfig):
    name = "district"
    verbose_name = "District"

    def ready(self):
        from district import home_panels  # noqa: F401  (registers the district's own panels)


class DistrictAdminConfig(AdminConfig):
    default_site = "district.admin_site.DistrictAdminSite"
