"""URLs of the ledger app."""

app_name = "ledger"
urlpatterns: list = []
