"""Staff pages of online payments, the processor's webhook and the sandbox processor's page
(under the "payments" namespace); the customer's pages are in portal/urls.py."""

from django.urls import path

from payments.online import views

urlpatterns = [
    path("payments/online/", views.online_payment_list, name="online_payments"),
    path(
        "payments/online/<int:online_payment_id>/recheck/",
        views.online_payment_recheck,
        name="online_payment_recheck",
    ),
    path(
        "payments/online/<int:online_payment_id>/fail/",
        views.online_payment_fail,
        name="online_payment_fail",
    ),
    path("payments/online/webhook/stripe/", views.stripe_webhook, name="online_stripe_webhook"),
    path(
        "payments/online/sandbox/<str:sandbox_token>/",
        views.sandbox_checkout,
        name="online_sandbox",
    ),
]
