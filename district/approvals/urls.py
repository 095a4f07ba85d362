"""URLs of the approvals app."""

from django.urls import path

from district.approvals import views

app_name = "approvals"
urlpatterns = [
    path("approvals/", views.queue, name="queue"),
    path("approvals/mine/", views.mine, name="mine"),
    path("approvals/<int:request_id>/", views.detail, name="detail"),
]
