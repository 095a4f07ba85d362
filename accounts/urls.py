"""URLs of the accounts app. Sections per feature; keep each section's views in its module."""

app_name = "accounts"

urlpatterns = [
    # -- records: customers and service accounts (accounts/views/records.py)
    # -- counter search (accounts/views/search.py)
    # -- the account page, the CSR's 360 (accounts/views/account_page.py)
]
