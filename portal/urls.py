"""The customer portal's pages, under /portal/ (enrolment, the accounts, paying online)."""

from django.urls import path

from payments.online import portal as pay_views

app_name = "portal"

urlpatterns = [
    # -- paying online (payments/online/portal.py)
    path("accounts/<int:account_id>/pay/", pay_views.pay, name="pay"),
    path(
        "accounts/<int:account_id>/pay/<int:online_payment_id>/",
        pay_views.pay_return,
        name="pay_return",
    ),
]
