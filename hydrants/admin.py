"""Django admin for the hydrant rentals' master data: meters and hydrants (permits and custody
are read-only here: they change through their services)."""

from django.contrib import admin

from district.admin_readonly import ReadOnlyAdminMixin
from hydrants.models import Hydrant, HydrantMeter, HydrantPermit, MeterIssue


@admin.register(HydrantMeter)
class HydrantMeterAdmin(admin.ModelAdmin):
    list_display = ("serial", "size", "status", "condition", "yard_bin", "last_tested_on")
    list_filter = ("status", "size", "condition")
    search_fields = ("serial", "backflow_serial")
    # Status moves go through the services (reasons, custody): not edited here.
    readonly_fields = ("status", "status_reason")


@admin.register(Hydrant)
class HydrantAdmin(admin.ModelAdmin):
    list_display = ("number", "location", "pressure_zone", "restricted_from_drought_stage")
    list_filter = ("active", "fire_department_required")
    search_fields = ("number", "location")
    readonly_fields = ("premise",)


@admin.register(HydrantPermit)
class HydrantPermitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "account", "hydrant", "status", "starts_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("number", "project_name")


@admin.register(MeterIssue)
class MeterIssueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("meter", "permit", "issued_at", "returned_at")
