"""URLs of bank (merged into the payments namespace by payments/urls.py)."""

urlpatterns: list = []
