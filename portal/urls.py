"""The customer portal's pages, under /portal/ (enrolment, the accounts, paying online)."""

from django.urls import path

from payments.online import portal as pay_views
from portal.views import enrolment as enrolment_views
from portal.views import online_access as online_access_views

app_name = "portal"

urlpatterns = [
    # -- paying online (payments/online/portal.py)
    path("accounts/<int:account_id>/pay/", pay_views.pay, name="pay"),
    path(
        "accounts/<int:account_id>/pay/<int:online_payment_id>/",
        pay_views.pay_return,
        name="pay_return",
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
