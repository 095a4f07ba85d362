"""URLs of the hydrants app."""

app_name = "hydrants"
urlpatterns: list = []
