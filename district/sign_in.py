"""How django-allauth fits the district: nobody signs up on their own.

Staff accounts are made by an administrator (district.services.user_create_with_role); customers
enrol through the portal's enrolment page, which checks facts from their bill before it makes a
login (portal.enrolment). allauth's own sign-up page therefore stays closed.
"""

from allauth.account.adapter import DefaultAccountAdapter


class DistrictAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False


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

    from district.access import sign_in_view

    def classify(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                classify(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                public = entry.name in _PUBLIC_ALLAUTH_PAGES
                sign_in_view(entry.callback, signed_in=not public)

    classify(urlpatterns)
    return urlpatterns
