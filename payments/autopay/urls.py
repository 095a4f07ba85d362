"""URLs of autopay (merged into the payments namespace by payments/urls.py)."""

from django.urls import path

from payments.autopay import views

urlpatterns: list = [
    path(
        "payments/autopay/account/<int:account_id>/enrol/",
        views.autopay_enrol,
        name="autopay_enrol",
    ),
    path(
        "payments/autopay/<int:autopay_id>/cancel/",
        views.autopay_cancel_staff,
        name="autopay_cancel",
    ),
    path(
        "payments/autopay/<int:autopay_id>/signed-form/",
        views.autopay_signed_form,
        name="autopay_signed_form",
    ),
    path("payments/autopay/files/", views.ach_file_list, name="ach_files"),
    path(
        "payments/autopay/files/<int:ach_file_id>/",
        views.ach_file_download,
        name="ach_file_download",
    ),
    path("portal/autopay/", views.portal_autopay, name="portal_autopay"),
    path("portal/autopay/cancel/", views.portal_autopay_cancel, name="portal_autopay_cancel"),
]
