"""URLs of the lobby queue, included in accounts/urls.py (names in the accounts namespace)."""

from django.urls import path

from accounts.lobby import views

urlpatterns = [
    path("lobby/take/", views.ticket_take, name="lobby_take"),
    path("lobby/screen/", views.lobby_screen, name="lobby_screen"),
    path("lobby/desk/", views.desk, name="lobby_desk"),
    path("lobby/desk/call-next/", views.call_next, name="lobby_call_next"),
    path("lobby/tickets/<int:ticket_id>/", views.ticket_detail, name="lobby_ticket"),
    path("lobby/tickets/<int:ticket_id>/update/", views.ticket_update, name="lobby_ticket_update"),
    path("lobby/stats/", views.stats, name="lobby_stats"),
]
