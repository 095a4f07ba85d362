"""URLs of the field_ops app."""

from django.urls import path

from field_ops import views

app_name = "field_ops"

urlpatterns = [
    # -- premises, meters, installations and reads (field_ops/views.py)
]
