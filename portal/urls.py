"""The customer portal's pages, under /portal/ (enrolment, the accounts, paying online)."""

from django.urls import path

from payments.online import portal as pay_views
from portal.views import account as account_views
from portal.views import enrolment as enrolment_views
from portal.views import home as home_views
from portal.views import online_access as online_access_views
from portal.views import requests as request_views
from portal.views import settings as settings_views
from portal.views import staff as staff_views

app_name = "portal"

urlpatterns = [
    # -- what customers see and do (portal/views/home.py, account.py, requests.py, settings.py)
    path("", home_views.portal_home, name="home"),
    path("usage/", home_views.account_choice, {"section": "usage"}, name="usage_choice"),
    path("pay/", home_views.account_choice, {"section": "pay"}, name="pay_choice"),
    path("requests/", home_views.account_choice, {"section": "requests"}, name="requests_choice"),
    path("settings/", home_views.account_choice, {"section": "settings"}, name="settings_choice"),
    path("accounts/<int:account_id>/", account_views.account_detail, name="account"),
    path("accounts/<int:account_id>/requests/", request_views.service_requests, name="requests"),
    path(
        "accounts/<int:account_id>/payment-plan/",
        request_views.arrangement_request,
        name="arrangement_request",
    ),
    path("accounts/<int:account_id>/settings/", settings_views.account_settings, name="settings"),
    # -- paying online (payments/online/portal.py)
    path("accounts/<int:account_id>/pay/", pay_views.pay, name="pay"),
    path(
        "accounts/<int:account_id>/pay/<int:online_payment_id>/",
        pay_views.pay_return,
        name="pay_return",
    ),
    # -- staff: view as customer, the online requests queue (portal/views/account.py, staff.py)
    path(
        "staff/accounts/<int:account_id>/as-customer/",
        account_views.staff_view_as_customer,
        name="staff_view_as_customer",
    ),
    path("staff/requests/", staff_views.staff_requests, name="staff_requests"),
    path(
        "staff/requests/<int:service_request_id>/take/",
        staff_views.staff_request_take,
        name="staff_request_take",
    ),
    path(
        "staff/requests/<int:service_request_id>/close/",
        staff_views.staff_request_close,
        name="staff_request_close",
    ),
    # -- enrolment and sign-in, and the CSR's online-access panel (portal/views/enrolment.py,
    # portal/views/online_access.py)
    path("enrol/", enrolment_views.enrol, name="enrol"),
    path("enrol/sent/", enrolment_views.enrol_sent, name="enrol_sent"),
    path("accounts/add/", enrolment_views.account_add_page, name="account_add"),
    path("sign-in-and-security/", enrolment_views.sign_in_security, name="sign_in_security"),
    path(
        "staff/accounts/<int:account_id>/online-access/",
        online_access_views.online_access,
        name="online_access",
    ),
    path(
        "staff/online-access/<int:link_id>/resend/",
        online_access_views.online_access_resend,
        name="online_access_resend",
    ),
    path(
        "staff/online-access/<int:link_id>/unlock/",
        online_access_views.online_access_unlock,
        name="online_access_unlock",
    ),
    path(
        "staff/online-access/<int:link_id>/remove-mfa/",
        online_access_views.online_access_remove_mfa,
        name="online_access_remove_mfa",
    ),
    path(
        "staff/online-access/<int:link_id>/unlink/",
        online_access_views.online_access_unlink,
        name="online_access_unlink",
    ),
]
