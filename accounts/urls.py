"""URLs of the accounts app. Sections per feature; keep each section's views in its module."""

from django.urls import path

from accounts.views import account_page, records, search

app_name = "accounts"

urlpatterns = [
    # -- records: customers and service accounts (accounts/views/records.py)
    path("customers/new/", records.customer_create, name="customer_create"),
    path("customers/<int:customer_id>/", records.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/edit/", records.customer_edit, name="customer_edit"),
    path("customers/<int:customer_id>/flags/", records.customer_flags, name="customer_flags"),
    path("service-accounts/new/", records.service_account_create, name="service_account_create"),
    path(
        "account/<int:account_id>/edit/", records.service_account_edit, name="service_account_edit"
    ),
    path(
        "account/<int:account_id>/status/",
        records.service_account_status,
        name="service_account_status",
    ),
    # -- counter search (accounts/views/search.py)
    path("search/", search.search, name="search"),
    # -- the account page, the CSR's 360 (accounts/views/account_page.py)
    path("account/<int:account_id>/", account_page.account_detail, name="account_detail"),
    path(
        "account/<int:account_id>/activity/",
        account_page.account_activity_page,
        name="account_activity",
    ),
    # -- start, stop and transfer (accounts/service_changes/views.py)
    # -- deposits (accounts/deposits/views.py)
    # -- contact log, cases and reception (accounts/contacts/views.py)
]
