"""Admin for the books: the chart of accounts (names and open/closed only) and read-only journals.

Journals are written only by the posting services; the admin shows them and never edits them
(the database would refuse it anyway).
"""

from django.contrib import admin

from district.admin_readonly import ReadOnlyAdminMixin, ReadOnlyInline
from district.ledger.models import GLAccount, Journal, JournalLine


@admin.register(GLAccount)
class GLAccountAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "purpose", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "purpose"]
    fields = ["code", "name", "kind", "purpose", "is_active"]
    # Code finds accounts by purpose, and kind decides debit/credit meaning: fixed once seeded.
    readonly_fields = ["code", "kind", "purpose"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JournalLineInline(ReadOnlyInline):
    model = JournalLine
    fields = ["gl_account", "amount", "service_account_id", "effective_date", "memo"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("gl_account")


@admin.register(Journal)
class JournalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "effective_date", "kind", "memo", "posted_by", "posted_at"]
    list_filter = ["kind"]
    list_select_related = ["posted_by"]
    search_fields = ["=id", "memo", "=idempotency_key"]
    date_hierarchy = "effective_date"
    inlines = [JournalLineInline]
    fields = [
        "kind",
        "memo",
        "effective_date",
        "posted_at",
        "posted_by",
        "idempotency_key",
        "fingerprint",
        "source_type",
        "source_id",
        "reverses",
    ]
    readonly_fields = fields
