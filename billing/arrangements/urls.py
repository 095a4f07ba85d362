from django.urls import path

from billing.arrangements import views

app_name = "arrangements"

urlpatterns = [
    path(
        "billing/accounts/<int:account_id>/arrangement/new/",
        views.arrangement_new,
        name="new",
    ),
    path(
        "billing/arrangements/<int:arrangement_id>/",
        views.arrangement_detail,
        name="detail",
    ),
]
