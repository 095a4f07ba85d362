"""The welcome letter of a new account: HTML from a template per language, printed by WeasyPrint.

A language the district has no template for gets the English letter. Rendered when opened
(a tenth of a second); letters are not stored, as the account's details may still change
while it is pending.
"""

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import letters
from accounts.models import Customer, ServiceAccount
from accounts.service_changes import selectors

TEMPLATE = "accounts/service_changes/letters/welcome_{language}.html"


def letter_language(customer: Customer) -> str:
    """The customer's language when the welcome letter exists in it, else English."""
    return letters.letter_language(TEMPLATE, customer)


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
            **letters.letterhead(),
        },
    )


def welcome_letter_pdf(account: ServiceAccount) -> bytes:
    html = welcome_letter_html(account)
    # Styles are inside the document: nothing is fetched while rendering. PDF/UA: a tagged PDF
    # with its language and title, which screen readers read in order (ADA Title II).
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1"
    )
