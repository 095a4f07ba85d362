"""URLs of the supervisor's queues page."""

from django.urls import path

from district.queues import views

app_name = "queues"
urlpatterns = [path("supervisor/queues/", views.queues, name="index")]
