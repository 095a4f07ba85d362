"""URLs of the field_ops app."""

app_name = "field_ops"

urlpatterns = [
    # -- premises, meters, installations and reads (field_ops/views.py)
]
