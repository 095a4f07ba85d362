"""URLs of refunds (merged into the payments namespace by payments/urls.py)."""

from django.urls import path

from payments.refunds import views

urlpatterns: list = [
    path("payments/refunds/account/<int:account_id>/new/", views.refund_new, name="refund_new"),
    path("payments/refunds/register/", views.refund_register, name="refund_register"),
]
