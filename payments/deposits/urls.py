"""URLs of deposits (merged into the payments namespace by payments/urls.py)."""

from django.urls import path

from payments.deposits import views

urlpatterns = [
    path("payments/deposits/", views.deposit_list, name="deposit_list"),
    path("payments/deposits/new/", views.deposit_new, name="deposit_new"),
    path("payments/deposits/<int:deposit_id>/", views.deposit_detail, name="deposit_detail"),
    path(
        "payments/deposits/<int:deposit_id>/slip.pdf",
        views.deposit_slip_pdf,
        name="deposit_slip_pdf",
    ),
    path("payments/cash-day/", views.cash_day, name="cash_day"),
    path(
        "payments/cash-day/sessions/<int:session_id>/recount/",
        views.cash_day_recount,
        name="cash_day_recount",
    ),
    path("payments/reports/daily-cash/", views.daily_cash_report, name="daily_cash_report"),
]
