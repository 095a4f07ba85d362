"""URLs of the ledger app."""

from django.urls import path

from district.ledger import close_views, views

app_name = "ledger"
urlpatterns = [
    path("ledger/trial-balance/", views.trial_balance, name="trial_balance"),
    path("ledger/aging/", views.aging, name="aging"),
    path("ledger/journals/<int:journal_id>/", views.journal, name="journal"),
]
urlpatterns += [
    path("ledger/gl-export/", close_views.gl_export, name="gl_export"),
    path("ledger/close/", close_views.month_close_start, name="month_close_start"),
    path("ledger/close/<str:year_month>/", close_views.month_close, name="month_close"),
    path(
        "ledger/close/<str:year_month>/close/",
        close_views.month_close_action,
        name="month_close_action",
    ),
    path(
        "ledger/close/<str:year_month>/reopen/",
        close_views.month_reopen_action,
        name="month_reopen_action",
    ),
]
