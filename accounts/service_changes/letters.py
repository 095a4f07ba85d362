"""The welcome letter of a new account: HTML from a template per language, printed by WeasyPrint.

A language the district has no template for gets the English letter. Rendered when opened
(a tenth of a second); letters are not stored, as the account's details may still change
while it is pending.
"""

import weasyprint
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from accounts.models import Customer, Language, ServiceAccount
from accounts.service_changes import selectors

TEMPLATE = "accounts/service_changes/letters/welcome_{language}.html"
FALLBACK_LANGUAGE = Language.ENGLISH


def letter_language(customer: Customer) -> str:
    """The customer's language when a welcome letter exists in it, else English."""
    try:
        get_template(TEMPLATE.format(language=customer.language))
    except TemplateDoesNotExist:
        return FALLBACK_LANGUAGE
    return customer.language


def welcome_letter_html(account: ServiceAccount) -> str:
    """The letter as HTML (what the PDF is printed from; tests read it)."""
    customer = account.customer
    language = letter_language(customer)
    return render_to_string(
        TEMPLATE.format(language=language),
        {
            "account": account,
            "customer": customer,
            "premise": account.premise,
            "work_order": selectors.start_order_of(account),
            "language": language,
            "today": timezone.localdate(),
            "district_name": settings.DISTRICT_NAME,
            "district_address": settings.DISTRICT_ADDRESS,
            "district_phone": settings.DISTRICT_PHONE,
            "district_email": getattr(settings, "DISTRICT_EMAIL", ""),
        },
    )


def welcome_letter_pdf(account: ServiceAccount) -> bytes:
    html = welcome_letter_html(account)
    # Styles are inside the document: nothing is fetched while rendering. PDF/UA: a tagged PDF
    # with its language and title, which screen readers read in order (ADA Title II).
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1"
    )
