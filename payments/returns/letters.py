"""The returned-payment notice: HTML from a template per language, printed by the district's
one PDF renderer (district.pdf, with its letterhead).

A language the district has no template for gets the English notice. Rendered when opened
(the balance it quotes is the balance at printing); the batch print renders every queued
notice into one PDF and marks them printed in the same transaction, so a failed render
leaves them queued.
"""

from django.db import transaction
from django.utils import timezone

from accounts import letters
from accounts.models import Customer
from district.pdf import combined_pdf, document_html, html_document, html_pdf
from payments.models import Letter, ReturnedItem
from payments.returns import selectors, services

TEMPLATE = "payments/returns/letters/returned_payment_{language}.html"


# The bank's reason in the notice's language (English uses the model's own labels).
REASON_WORDS = {
    "es": {
        ReturnedItem.Reason.NSF: "fondos insuficientes",
        ReturnedItem.Reason.CLOSED: "cuenta cerrada",
        ReturnedItem.Reason.STOPPED: "pago detenido",
    },
}
OTHER_REASON_WORDS = {"es": "otro motivo"}


def reason_words(item: ReturnedItem, language: str) -> str:
    """Why the bank returned the payment, in `language`."""
    if language not in REASON_WORDS:
        return item.get_reason_display()
    return REASON_WORDS[language].get(item.reason, OTHER_REASON_WORDS[language])


def letter_language(customer: Customer) -> str:
    """The customer's language when the notice exists in it, else English."""
    return letters.letter_language(TEMPLATE, customer)


def returned_payment_html(letter: Letter) -> str:
    """The notice as HTML (what the PDF is printed from; tests read it)."""
    facts = selectors.letter_facts(letter)
    customer = facts.account.customer
    language = letter_language(customer)
    return document_html(
        TEMPLATE.format(language=language),
        {
            "facts": facts,
            "account": facts.account,
            "customer": customer,
            "premise": facts.account.premise,
            "item": facts.item,
            "tender": facts.tender,
            "what": services.tender_label(facts.tender),
            "reason": reason_words(facts.item, language),
            "language": language,
            "today": timezone.localdate(),
        },
    )


def returned_payment_pdf(letter: Letter) -> bytes:
    """One notice as a tagged PDF (PDF/UA: read in order by screen readers, ADA Title II)."""
    return html_pdf(returned_payment_html(letter))


def letters_batch_pdf(*, by) -> tuple[bytes | None, int]:
    """Every queued notice in one PDF, each starting on its own page, and those letters marked
    printed: (pdf, count); (None, 0) when none is queued."""
    with transaction.atomic():
        ids = services.letters_take_queued(by=by)
        if not ids:
            return None, 0
        documents = [
            html_document(returned_payment_html(selectors.letter_for_print(letter_id)))
            for letter_id in ids
        ]
        return combined_pdf(documents), len(ids)
