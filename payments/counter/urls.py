"""URLs of counter (merged into the payments namespace by payments/urls.py)."""

from django.urls import path

from payments.counter import api, pay_views, views

urlpatterns: list = [
    path("payments/counter/", views.counter, name="counter"),
    path("payments/counter/pay/", pay_views.counter_pay, name="counter_pay"),
    path(
        "payments/counter/sessions/<int:session_id>/", views.counter_session, name="counter_session"
    ),
    path(
        "payments/counter/sessions/<int:session_id>/close/",
        views.counter_close,
        name="counter_close",
    ),
    path("payments/receipts/<int:payment_id>/", views.receipt, name="receipt"),
    path("payments/receipts/<int:payment_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("payments/receipts/<int:payment_id>/void/", views.receipt_void, name="receipt_void"),
    path("api/payments/counter", api.counter_payment, name="api_counter_payment"),
]
