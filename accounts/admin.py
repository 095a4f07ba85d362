"""Admin of customers, flags and service accounts: for looking up, not for editing.

Changes go through accounts.services (phone and email normalisation, the duplicate warning,
flag reasons, check-digit numbers, the account status machine), which the admin's generic
forms would bypass; so the admin shows these records read-only, linking to the portal's pages.
"""

from django.contrib import admin
from django.urls import reverse

from accounts.models import Customer, CustomerFlag, Department, ServiceAccount
from district.admin_readonly import ReadOnlyInline
from district.roles import Perm
from field_ops.admin import LookupOnlyAdmin


class CustomerFlagInline(ReadOnlyInline):
    model = CustomerFlag
    fields = ("flag", "reason", "set_by", "set_at", "cleared_by", "cleared_at", "clear_reason")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return True  # shown inside a customer the viewer may already see


@admin.register(Customer)
class CustomerAdmin(LookupOnlyAdmin):
    list_display = ("display_name", "kind", "phone", "email", "mailing_city", "created_at")
    list_filter = ("kind", "language")
    search_fields = ("last_name", "first_name", "business_name", "phone", "email")
    inlines = (CustomerFlagInline,)

    def view_on_site(self, obj):
        return reverse("accounts:customer_detail", kwargs={"customer_id": obj.pk})


@admin.register(CustomerFlag)
class CustomerFlagAdmin(LookupOnlyAdmin):
    list_display = ("customer", "flag", "reason", "set_by", "set_at", "cleared_at")
    list_filter = ("flag", ("cleared_at", admin.EmptyFieldListFilter))
    list_select_related = ("customer", "set_by")
    search_fields = ("customer__last_name", "customer__business_name", "reason")


@admin.register(ServiceAccount)
class ServiceAccountAdmin(LookupOnlyAdmin):
    list_display = (
        "formatted_number",
        "customer",
        "premise",
        "customer_class",
        "status",
        "billing_cycle",
        "start_date",
        "end_date",
    )
    list_filter = ("status", "customer_class", "billing_frequency", "billing_cycle", "paperless")
    list_select_related = ("customer", "premise")
    search_fields = ("number", "customer__last_name", "customer__business_name", "premise__street")
    date_hierarchy = "start_date"

    @admin.display(description="account number", ordering="number")
    def formatted_number(self, obj):
        return obj.formatted_number


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """Departments callers and cases are referred to, and who receives their referrals."""

    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    filter_horizontal = ("members",)

    # Supervisors manage departments (they hold the district permission, not model permissions).
    def _may_manage(self, request):
        return request.user.is_active and request.user.has_perm(Perm.MANAGE_POLICIES)

    def has_module_permission(self, request):
        return self._may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return False  # referrals and cases point at departments: retire one instead
