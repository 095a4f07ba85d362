"""Admin of premises, meters, installations and reads: for looking up, not for editing.

Every change to these records goes through field_ops.services (APN form, unique serials, the
meter status machine, install/remove readings, append-only reads), which the admin's generic
forms would bypass; so the admin shows them read-only and links to the portal page that edits.
"""

from django.contrib import admin
from django.urls import reverse

from district.admin_readonly import ReadOnlyAdminMixin
from district.roles import Perm
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise


class LookupOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only admin: staff who may look up accounts may browse, nobody edits here."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(Perm.VIEW_ACCOUNTS) or super().has_view_permission(
            request, obj
        )


@admin.register(Premise)
class PremiseAdmin(LookupOnlyAdmin):
    list_display = ("address_line", "city", "apn", "route", "read_sequence", "premise_type")
    list_filter = ("premise_type", "route", "city")
    search_fields = ("house_number", "street", "apn", "tract", "owner_name")
    ordering = ("route", "read_sequence")

    def view_on_site(self, obj):
        return reverse("field_ops:premise_detail", kwargs={"premise_id": obj.pk})


@admin.register(Meter)
class MeterAdmin(LookupOnlyAdmin):
    list_display = ("serial", "size", "make", "model", "dials", "unit", "status")
    list_filter = ("status", "size", "unit", "make")
    search_fields = ("serial",)

    def view_on_site(self, obj):
        return reverse("field_ops:meter_detail", kwargs={"meter_id": obj.pk})


@admin.register(MeterInstallation)
class MeterInstallationAdmin(LookupOnlyAdmin):
    list_display = ("meter", "premise", "installed_on", "install_reading", "removed_on")
    list_filter = (("removed_on", admin.EmptyFieldListFilter),)
    list_select_related = ("meter", "premise")
    search_fields = ("meter__serial", "premise__street", "premise__apn")
    date_hierarchy = "installed_on"


@admin.register(MeterRead)
class MeterReadAdmin(LookupOnlyAdmin):
    """Reads are append-only (a database trigger refuses changes): view them only."""

    list_display = ("meter", "read_on", "reading", "source", "flags", "entered_by", "supersedes")
    list_filter = ("source", "read_on")
    list_select_related = ("meter", "entered_by", "supersedes__meter")
    search_fields = ("meter__serial",)
    date_hierarchy = "read_on"
