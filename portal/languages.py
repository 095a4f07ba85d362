"""The portal's language: customers read English or Spanish, staff pages stay English.

Django's LocaleMiddleware picks the language from the switcher's cookie or the browser; this
middleware, after authentication, then puts staff in English and a signed-in customer in their
preferred language (Customer.language), read on each request. The switcher is Django's
set_language view, which also records a signed-in customer's choice on their customer record,
so what they receive (bills, e-mails) follows it.
"""

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from accounts.languages import DEFAULT_LANGUAGE, PORTAL_LANGUAGES, login_language, portal_language
from district.access import public_view
from district.roles import is_staff_user
from portal import services
from portal.selectors import linked_accounts

SYNCED_KEY = "portal_language_synced"  # this session's switch choice is on the record


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
        if not request.session.get(SYNCED_KEY):
            # The first page after signing in: a language the visitor chose with the switch
            # before signing in is their choice (kept as the switch keeps it).
            request.session[SYNCED_KEY] = True
            chosen = portal_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
            if chosen:
                _keep_choice(user, chosen)
        # Read on each request (one indexed query), not kept in the session: a change on the
        # portal's settings page or by a CSR at the counter shows on the next page.
        return login_language(user)


@public_view
def set_language(request):
    """Django's language switch (the cookie); a signed-in customer's choice is also kept."""
    response = django_set_language(request)
    language = portal_language(request.POST.get("language"))
    user = request.user
    customer = user.is_authenticated and not is_staff_user(user)
    if request.method == "POST" and language and customer:
        _keep_choice(user, language)
    return response


def _keep_choice(user, language: str) -> None:
    """The switch's choice becomes the preferred language of the customers this login holds
    (logged in each one's contact history, as from the settings page), so their bills and
    e-mails follow it. A preference the portal does not speak (Vietnamese, Tagalog, ...) is
    left as it is: their letters are written in it."""
    seen = set()
    for account in linked_accounts(user):
        customer = account.customer
        if customer.pk in seen or customer.language not in PORTAL_LANGUAGES:
            continue
        seen.add(customer.pk)
        services.language_set(account=account, by=user, language=language)
