"""The counter's printed receipt is in its customer's language (the page on screen stays
English for the cashier)."""

from decimal import Decimal

import pytest
from django.utils import translation

from payments.counter import receipts, selectors
from payments.counter.services import PaymentIn, TenderIn, payment_post
from payments.models import Tender
from tests.factories import CustomerFactory, ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db


def _paid_receipt(open_session, cashier, language: str):
    account = ServiceAccountFactory(customer=CustomerFactory(language=language))
    post_bill(account, "80.00", memo="Water bill")
    payment = payment_post(
        session_id=open_session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal("80.00"))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal("100.00"))],
        ),
        idempotency_key=f"receipt-{language}",
    )
    return selectors.receipt(payment.pk)


def test_a_spanish_speaking_customer_gets_a_spanish_receipt(open_session, cashier):
    # given a cash payment by a customer who prefers Spanish, taken by an English-reading cashier
    receipt = _paid_receipt(open_session, cashier, "es")
    # when the receipt is printed
    with translation.override("en"):
        html = receipts.receipt_html(receipt)
    # then it is Spanish, tagged so, with the same figures
    assert '<html lang="es">' in html
    assert "Total pagado" in html and "Gracias. Conserve este recibo." in html
    assert "$80.00" in html and "$20.00" in html
    assert "Total paid" not in html


def test_an_english_speaking_customer_gets_an_english_receipt(open_session, cashier):
    receipt = _paid_receipt(open_session, cashier, "en")
    with translation.override("es"):
        html = receipts.receipt_html(receipt)
    assert '<html lang="en">' in html and "Total paid" in html
