"""Read-only admin pages: records that only services write (journals, payments, approvals,
premises and meters) are shown in the admin, never added, changed or deleted there.

The services hold the rules (and the database refuses some changes anyway); the admin's generic
forms would bypass them.
"""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """No add, change or delete in a ModelAdmin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A read-only table of a record's rows inside its admin page."""

    extra = 0
    can_delete = False
