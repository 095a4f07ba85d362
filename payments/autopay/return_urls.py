"""URLs of ACH returns and notifications of change (included into the payments namespace)."""

from django.urls import path

from payments.autopay import return_views as views

urlpatterns: list = [
    path("payments/autopay/returns/", views.ach_returns_import_page, name="ach_returns_import"),
    path(
        "payments/autopay/returns/<int:ach_return_file_id>/",
        views.ach_return_file_detail,
        name="ach_return_file",
    ),
    path("payments/autopay/changes/", views.ach_change_queue, name="ach_change_queue"),
    path(
        "payments/autopay/changes/<int:ach_change_notice_id>/confirm/",
        views.ach_change_confirm,
        name="ach_change_confirm",
    ),
    path(
        "payments/autopay/changes/<int:ach_change_notice_id>/decline/",
        views.ach_change_decline,
        name="ach_change_decline",
    ),
]
