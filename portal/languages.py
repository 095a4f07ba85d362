"""The portal's language: customers read English or Spanish, staff pages stay English.

Django's LocaleMiddleware picks the language from the switcher's cookie or the browser; this
middleware, after authentication, then puts staff in English and a signed-in customer in their
preferred language (Customer.language), looked up once per session. The switcher is Django's
set_language view, which also records a signed-in customer's choice on their customer record,
so what they receive (bills, e-mails) follows it.
"""

from django.utils import translation
from django.views.i18n import set_language as django_set_language

from accounts.languages import (
    DEFAULT_LANGUAGE,
    login_customers_language_set,
    login_language,
    portal_language,
)
from district.access import public_view
from district.roles import is_staff_user

SESSION_KEY = "portal_language"


class PortalLanguageMiddleware:
    """Staff in English; a signed-in customer in their preferred language. Sets
    request.offers_languages, which shows the language switcher (not on staff pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

    def _language(self, request) -> str | None:
        user = request.user
        request.offers_languages = True
        if not user.is_authenticated:
            return None  # the cookie or the browser's Accept-Language decided
        if is_staff_user(user):
            request.offers_languages = False
            return DEFAULT_LANGUAGE
        if SESSION_KEY not in request.session:
            # "" remembers "no portal language preferred" (the cookie or browser decides).
            request.session[SESSION_KEY] = login_language(user) or ""
        return request.session[SESSION_KEY] or None


@public_view
def set_language(request):
    """Django's language switch (the cookie); a signed-in customer's choice is also kept."""
    response = django_set_language(request)
    language = portal_language(request.POST.get("language"))
    user = request.user
    customer = user.is_authenticated and not is_staff_user(user)
    if request.method == "POST" and language and customer:
        login_customers_language_set(user=user, language=language)
        request.session[SESSION_KEY] = language
    return response
