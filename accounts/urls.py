"""URLs of the accounts app. Sections per feature; keep each section's views in its module."""

from django.urls import include, path

from accounts.contacts import views as contact_views
from accounts.deposits import views as deposits
from accounts.service_changes import views as service_changes
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
        "account/<int:account_id>/panels/<slug:panel_key>/",
        account_page.account_panel,
        name="account_panel",
    ),
    path(
        "account/<int:account_id>/activity/",
        account_page.account_activity_page,
        name="account_activity",
    ),
    # -- start, stop and transfer (accounts/service_changes/views.py)
    path("service/start/", service_changes.service_start, name="service_start"),
    path(
        "account/<int:account_id>/service-started/",
        service_changes.service_started,
        name="service_started",
    ),
    path(
        "account/<int:account_id>/service-started/installments/",
        service_changes.service_started_installments,
        name="service_started_installments",
    ),
    path(
        "account/<int:account_id>/welcome-letter.pdf",
        service_changes.welcome_letter,
        name="welcome_letter",
    ),
    path("account/<int:account_id>/stop/", service_changes.service_stop, name="service_stop"),
    path(
        "account/<int:account_id>/stop/cancel/",
        service_changes.service_stop_cancel,
        name="service_stop_cancel",
    ),
    path(
        "account/<int:account_id>/transfer/",
        service_changes.service_transfer,
        name="service_transfer",
    ),
    path(
        "premises/<int:premise_id>/owner-agreement/",
        service_changes.owner_agreement,
        name="owner_agreement",
    ),
    # -- deposits (accounts/deposits/views.py)
    path("deposits/guidelines/", deposits.deposit_guidelines, name="deposit_guidelines"),
    path("deposits/guidelines/new/", deposits.deposit_guideline_new, name="deposit_guideline_new"),
    path(
        "deposits/guidelines/<int:guideline_id>/edit/",
        deposits.deposit_guideline_edit,
        name="deposit_guideline_edit",
    ),
    path("account/<int:account_id>/deposit/", deposits.account_deposit, name="account_deposit"),
    path(
        "account/<int:account_id>/deposit/letter/",
        deposits.account_deposit_letter,
        name="account_deposit_letter",
    ),
    # -- contact log, cases and reception (accounts/contacts/views.py)
    path(
        "account/<int:account_id>/contacts/",
        contact_views.account_contacts,
        name="account_contacts",
    ),
    path("reception/", contact_views.reception, name="reception"),
    path("referrals/", contact_views.referrals, name="referrals"),
    path("cases/", contact_views.case_queue, name="case_queue"),
    path("cases/mine/", contact_views.cases_mine, name="cases_mine"),
    path("cases/new/", contact_views.case_open, name="case_open"),
    path("cases/<int:case_id>/", contact_views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/update/", contact_views.case_update, name="case_update"),
    # -- assistance programs and outreach (accounts/programs/urls.py)
    path("", include("accounts.programs.urls")),
    path("", include("accounts.lobby.urls")),  # the lobby queue (accounts/lobby/urls.py)
]
