"""URLs of counter (merged into the payments namespace by payments/urls.py)."""

urlpatterns: list = []
