"""Tokens are created and revoked on the administrator's page (integrations:tokens), where the
secret is shown once; the admin lists them read-only."""

from django.contrib import admin

from integrations.models import IntegrationToken


@admin.register(IntegrationToken)
class IntegrationTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields = [
        field.name for field in IntegrationToken._meta.fields if field.name != "key_hash"
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
