"""URLs of the approvals app."""

app_name = "approvals"
urlpatterns: list = []
