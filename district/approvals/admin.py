"""Approval requests in the admin: read-only, because every decision goes through the services."""

from django.contrib import admin

from district.admin_readonly import ReadOnlyAdminMixin
from district.approvals.models import ApprovalRequest


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "status", "requested_by", "amount", "requested_at", "decided_by"]
    list_filter = ["status", "kind"]
    search_fields = ["reason", "target_label", "requested_by__username"]
    list_select_related = ["requested_by", "decided_by"]
    date_hierarchy = "requested_at"
