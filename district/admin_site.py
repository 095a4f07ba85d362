"""The Django admin, open only to staff allowed to manage master data and policies."""

from django.conf import settings
from django.contrib.admin import AdminSite

from district.roles import Perm


class DistrictAdminSite(AdminSite):
    site_header = f"{settings.DISTRICT_NAME} administration"
    site_title = "District administration"

    def has_permission(self, request):
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.has_perm(Perm.MANAGE_POLICIES))
        )
