"""The language a customer reads: the portal's pages, e-mails and PDFs are in English and
Spanish (settings.LANGUAGES). A customer who prefers another language (Customer.language also
records Chinese, Tagalog, ...) reads English there; their letters have their own per-language
templates (accounts.correspondence)."""

from contextlib import contextmanager

from django.conf import settings
from django.db.models import CharField, F, Value
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.models import Customer, Language

PORTAL_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
DEFAULT_LANGUAGE = "en"
# Each language named in itself, as a reader of it looks for it in a list (accounts.models.Language).
OWN_NAMES = {
    "en": "English",
    "es": "Español",
    "zh": "中文",
    "tl": "Tagalog",
    "vi": "Tiếng Việt",
    "ko": "한국어",
}


def language_choices() -> list[tuple[str, str]]:
    """The preferred-language choices for a customer to pick from: each language in itself."""
    return [
        (code, OWN_NAMES.get(code) or gettext_lazy(label))
        for code, label in Language.choices
        if code
    ]


def portal_language(code: str | None) -> str | None:
    """The portal language for a preference code, or None when the portal has none for it."""
    return code if code in PORTAL_LANGUAGES else None


def customer_language(customer: Customer | None) -> str:
    """What to write to this customer in: their preference when the portal speaks it."""
    return portal_language(getattr(customer, "language", None)) or DEFAULT_LANGUAGE


@contextmanager
def in_customer_language(customer: Customer | None):
    """Render e-mails and PDFs for a customer in their language, whoever asked for them."""
    with translation.override(customer_language(customer)):
        yield


def login_language(user) -> str | None:
    """A signed-in customer's preferred portal language (one query), or None when they have
    none the portal speaks. A login may hold several customers' accounts (a landlord): the
    customer the login belongs to comes first, then the customer of the lowest account."""
    # Two indexed look-ups in one statement (UNION ALL) rather than one OR across the join:
    # the OR made PostgreSQL scan every customer (0.7-1.1 s a page over 100,000 accounts,
    # bench/portal.py).
    own = (
        Customer.objects.filter(user=user)
        .annotate(own=Value(0), number=Value("", output_field=CharField()))
        .values_list("language", "own", "number")
    )
    linked = (
        Customer.objects.filter(service_accounts__portal_links__user=user)
        .annotate(own=Value(1), number=F("service_accounts__number"))
        .values_list("language", "own", "number")
    )
    first = own.union(linked, all=True).order_by("own", "number").first()
    language = first[0] if first else None
    return portal_language(language)
