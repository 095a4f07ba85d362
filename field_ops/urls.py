"""URLs of the field_ops app."""

app_name = "field_ops"
urlpatterns: list = []
