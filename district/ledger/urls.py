"""URLs of the ledger app."""

from django.urls import path

from district.ledger import views

app_name = "ledger"
urlpatterns = [
    path("ledger/trial-balance/", views.trial_balance, name="trial_balance"),
    path("ledger/aging/", views.aging, name="aging"),
    path("ledger/journals/<int:journal_id>/", views.journal, name="journal"),
]
