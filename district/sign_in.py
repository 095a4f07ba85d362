"""How django-allauth fits the district: nobody signs up on their own, everyone signs in here.

Staff accounts are made by an administrator (district.services.user_create_with_role); customers
enrol through the portal's enrolment page, which checks facts from their bill before it makes a
login (portal.enrolment). allauth's own sign-up page therefore stays closed.

Everyone signs in through allauth's sign-in page (the `login` URL), so its stages apply: the
MFA code after the password for anyone with an authenticator, e-mail verification for customers.
Staff must hold an authenticator (district.staff_mfa). django-axes still counts failures: allauth
authenticates through django.contrib.auth.authenticate(request=...), which runs the axes backend.
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import (
    reauthentication_required as allauth_reauthentication_required,
)
from allauth.account.forms import LoginForm
from allauth.account.views import LoginView
from allauth.core import context
from django.utils.translation import gettext_lazy as _

from district.access import sign_in_view
from district.roles import is_staff_user

# The allauth "app" our sensitive actions name when they ask for a re-authentication.
REAUTHENTICATION_APP = "district"
# Asking again right after a sign-in or a re-authentication only annoys: these apps' actions
# (ours, and adding or removing an authenticator) take a recent proof of any kind.
_RECENT_PROOF_APPS = {REAUTHENTICATION_APP, "allauth.mfa"}


def recently_authenticated(request) -> bool:
    """The session proved its user (password, MFA code or re-authentication) within
    ACCOUNT_REAUTHENTICATION_TIMEOUT."""
    records = get_authentication_records(request, request.user)
    if not records:
        return False
    latest = max(record.get("at", 0) for record in records)
    return time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT


class DistrictAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The words staff know from the old sign-in page.
        "username_password_mismatch": "Please enter a correct username and password. "
        "Note that both fields may be case-sensitive.",
        "email_password_mismatch": "Please enter a correct e-mail address and password.",
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        if app in _RECENT_PROOF_APPS:
            request = context.request
            return not (request is not None and recently_authenticated(request))
        return super().is_reauthentication_required(app=app, **kwargs)


class DistrictLoginForm(LoginForm):
    """allauth's sign-in form; staff skip the e-mail verification stage.

    A staff member's address is set by the administrator who made the login (many have none):
    their second factor is the authenticator (district.staff_mfa), not a mailbox. Customers keep
    allauth's mandatory verification.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or e-mail")
        self.fields["login"].widget.attrs["autofocus"] = True

    def login(self, request, redirect_url=None):
        if is_staff_user(self.user):
            self._login.email_verification = account_settings.EmailVerificationMethod.NONE
        return super().login(request, redirect_url)


def axes_username(request, credentials) -> str | None:
    """The name the sign-in lockout counts failures under: allauth authenticates with
    `username=` or `email=` (whichever was typed); the form posts it as `login`."""
    if credentials:
        name = credentials.get("username") or credentials.get("email")
        if name:
            return name
    return request.POST.get("login") or request.POST.get("username")


# The `login` URL (LOGIN_URL: every "sign in first" redirect) is allauth's sign-in page.
# Our look: templates/account/login.html and templates/allauth/layouts/.
login = sign_in_view(LoginView.as_view(), signed_in=False)


def reauthentication_required(view):
    """Before a sensitive action (refund, void, write-off, role change, API token): a POST from
    a session that has not proven its user lately is sent to re-enter the password (or an MFA
    code) and then resumed where it was. GETs pass: they change nothing."""
    return allauth_reauthentication_required(view, allow_get=True, app=REAUTHENTICATION_APP)


# allauth's pages a visitor may open signed out (sign-in, reset, e-mail confirmation links); the
# rest (e-mail addresses, password change, re-authentication, MFA) ask for a signed-in user and
# allauth's views send anyone else to the sign-in page themselves.
_PUBLIC_ALLAUTH_PAGES = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "account_request_login_code",
    "account_confirm_password_reset_code",
    "account_request_password_reset_code",
    "mfa_authenticate",
    "mfa_trust",
    "mfa_login_webauthn",
    "mfa_signup_webauthn",
}


def allauth_urlpatterns():
    """allauth's URLs, each declaring its access as every page of the portal does."""
    from allauth.urls import urlpatterns
    from django.urls import URLPattern, URLResolver

    def classify(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                classify(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                public = entry.name in _PUBLIC_ALLAUTH_PAGES
                sign_in_view(entry.callback, signed_in=not public)

    classify(urlpatterns)
    return urlpatterns
