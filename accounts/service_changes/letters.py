"""The welcome letter of a new account: HTML from a template per language, printed by the
district's one PDF renderer (district.pdf, with its letterhead).

A language the district has no template for gets the English letter. Rendered when opened
(a tenth of a second); letters are not stored, as the account's details may still change
while it is pending.
"""

from django.utils import timezone

from accounts import letters
from accounts.models import Customer, ServiceAccount
from accounts.service_changes import selectors
from district.pdf import document_html, html_pdf

TEMPLATE = "accounts/service_changes/letters/welcome_{language}.html"


def letter_language(customer: Customer) -> str:
    """The customer's language when the welcome letter exists in it, else English."""
    return letters.letter_language(TEMPLATE, customer)


def welcome_letter_html(account: ServiceAccount) -> str:
    """The letter as HTML (what the PDF is printed from; tests read it)."""
    customer = account.customer
    language = letter_language(customer)
    return document_html(
        TEMPLATE.format(language=language),
        {
            "account": account,
            "customer": customer,
            "premise": account.premise,
            "work_order": selectors.start_order_of(account),
            "language": language,
            "today": timezone.localdate(),
        },
    )


def welcome_letter_pdf(account: ServiceAccount) -> bytes:
    return html_pdf(welcome_letter_html(account))
