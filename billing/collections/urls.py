from django.urls import path

from billing.collections import views

app_name = "collections"

urlpatterns = [
    path("collections/", views.collections_queue, name="queue"),
    path("collections/ladder/", views.ladder, name="ladder"),
    path("account/<int:account_id>/collections/hold/", views.hold_new, name="hold_add"),
    path("collections/holds/<int:hold_id>/release/", views.hold_end, name="hold_release"),
    path(
        "account/<int:account_id>/collections/call/",
        views.phone_attempt_new,
        name="phone_attempt",
    ),
    path(
        "collections/notices/<int:notice_id>/<slug:copy>.pdf",
        views.notice_pdf,
        name="notice_pdf",
    ),
]
