"""The returned-payment notice, rendered from the district's "returned-payment" letter template
(accounts.correspondence: edited by the supervisor, in the customer's language or English)
and printed by the district's one PDF renderer.

Rendered when opened (the balance it quotes is the balance at printing); the batch print renders
every queued notice into one PDF and marks them printed in the same transaction, so a failed
render leaves them queued.
"""

from django.db import transaction

from accounts.correspondence import selectors as correspondence
from accounts.correspondence.rendering import letter_render
from accounts.models import Customer
from district.pdf import combined_pdf, html_document, html_pdf
from payments.models import Letter, ReturnedItem
from payments.returns import selectors, services

KEY = "returned-payment"


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
    return correspondence.letter_language(KEY, customer.language)


def returned_payment_html(letter: Letter) -> str:
    """The notice as HTML (what the PDF is printed from; tests read it)."""
    facts = selectors.letter_facts(letter)
    tender, item = facts.tender, facts.item
    language = letter_language(facts.account.customer)
    return letter_render(
        key=KEY,
        account=facts.account,
        language=language,
        context_extra={
            "amount": tender.amount,
            "balance": facts.balance,
            "is_check": tender.is_check,
            "is_money_order": tender.is_money_order,
            "check_number": tender.check_number,
            "bank_name": tender.bank_name,
            "received_on": tender.payment.received_at,
            "receipt_number": tender.payment.receipt_number,
            "returned_on": item.returned_on,
            "reason": reason_words(item, language),
            "fee": facts.fee,
            "cash_only": facts.cash_only,
        },
    ).html


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
