"""Admin of cashiering: drawers (add, rename, take out of service) and read-only payments.

A drawer is never deleted: its sessions keep pointing at it. Payments are written only by the
counter and batch services (and the database refuses changes); the admin shows them.
"""

from django.contrib import admin
from django.urls import reverse

from district.admin_readonly import ReadOnlyAdminMixin, ReadOnlyInline
from payments.models import Drawer, Payment, PaymentLine, Tender


@admin.register(Drawer)
class DrawerAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "location"]
    fields = ["name", "location", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentLineInline(ReadOnlyInline):
    model = PaymentLine
    fields = ["account", "amount"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")


class TenderInline(ReadOnlyInline):
    model = Tender
    fields = ["kind", "amount", "check_number", "bank_name", "card_last4", "approval_code"]
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "channel", "received_at", "total", "taken_by"]
    list_filter = ["channel", "effective_date"]
    list_select_related = ["taken_by"]
    date_hierarchy = "received_at"
    search_fields = ["payer_name", "idempotency_key"]
    fields = [
        "channel",
        "session",
        "batch",
        "received_at",
        "effective_date",
        "taken_by",
        "payer_name",
        "total",
        "cash_received",
        "change_given",
        "journal",
    ]
    readonly_fields = fields
    inlines = [PaymentLineInline, TenderInline]

    def view_on_site(self, obj):
        return reverse("payments:receipt", kwargs={"payment_id": obj.pk})
