"""Approval requests in the admin: read-only, because every decision goes through the services."""

from django.contrib import admin

from district.approvals.models import ApprovalRequest


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "requested_by", "amount", "requested_at", "decided_by"]
    list_filter = ["status", "kind"]
    search_fields = ["reason", "target_label", "requested_by__username"]
    list_select_related = ["requested_by", "decided_by"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
