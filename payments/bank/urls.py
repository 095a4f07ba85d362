"""URLs of bank (merged into the payments namespace by payments/urls.py)."""

from django.urls import path

from payments.bank import views

urlpatterns = [
    path("payments/bank/", views.bank_reconciliation, name="bank_reconciliation"),
    path("payments/bank/files/<int:file_id>/", views.bank_file, name="bank_file"),
    path("payments/bank/uploads/<int:upload_id>/", views.bank_upload, name="bank_upload"),
    path("payments/bank/exceptions/", views.bank_exceptions, name="bank_exceptions"),
    path(
        "payments/bank/lines/<int:line_id>/resolve/",
        views.bank_line_resolve,
        name="bank_line_resolve",
    ),
]
