"""The 80 mm receipt keeps inside what a thermal printer prints: a typical 80 mm printer prints
72 mm (576 dots at 203 dpi) centred, so nothing may reach past 76 mm from the paper's left edge,
however long the names, addresses, memos and the list of accounts."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from payments.counter import receipts, selectors
from payments.counter.services import PaymentIn, TenderIn, payment_post
from payments.models import Tender
from tests.factories import CustomerFactory, PremiseFactory, ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db
D = Decimal
CSS_PX_PER_MM = 96 / 25.4
PRINTABLE_LEFT_MM, PRINTABLE_RIGHT_MM = 4, 76


def _text_boxes(box):
    """Every laid-out piece of text under `box` (WeasyPrint's layout tree)."""
    if getattr(box, "text", None):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def _long_payment(open_session, cashier):
    accounts = []
    for number in range(4):
        account = ServiceAccountFactory(
            customer=CustomerFactory(
                first_name="Maria Guadalupe Esperanza",
                last_name=f"Hernández-Villaseñor de la Cruz-Montenegro y Santa{number}",
                business_name="",
            ),
            premise=PremiseFactory(
                house_number="123456789012",
                street="Avenida de los Pinos Altos del Rancho Mirador Grande Boulevard Extension",
                unit="Apartment-1234567890",
                city="Rancho Santa Margarita de las Colinas Verdes del Valle",
            ),
        )
        post_bill(
            account,
            "1234567.89",
            memo="Water and sewer bill with a surcharge " * 3,
            key=f"long-receipt-{number}",
        )
        accounts.append(account)
    return payment_post(
        session_id=open_session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(account.pk, D("1234567.89")) for account in accounts],
            tenders=[
                TenderIn(
                    Tender.Kind.CHECK,
                    D("4938271.56"),
                    check_number="12345678901234567890",
                    bank_name="FirstCommunityCreditUnionOfTheGreaterInlandEmpire",
                )
            ],
            payer_name="Supercalifragilisticexpialidociousandthensomemorelettersinonelongword",
        ),
        idempotency_key="k-long-receipt",
    )


def test_no_text_of_a_long_receipt_prints_past_the_printable_width(open_session, cashier):
    # given
    payment = _long_payment(open_session, cashier)
    # when
    document = receipts.receipt_document(selectors.receipt(payment.pk))
    # then: every piece of text sits between 4 mm and 76 mm from the paper's left edge
    outside = []
    for page in document.pages:
        assert round(page.width / CSS_PX_PER_MM) == 80
        for box in _text_boxes(page._page_box):
            left_mm = box.position_x / CSS_PX_PER_MM
            right_mm = (box.position_x + box.width) / CSS_PX_PER_MM
            if left_mm < PRINTABLE_LEFT_MM - 0.01 or right_mm > PRINTABLE_RIGHT_MM + 0.01:
                outside.append((box.text, round(left_mm, 1), round(right_mm, 1)))
    assert outside == []
    # and the long words are all there, wrapped rather than cut
    html = receipts.receipt_html(selectors.receipt(payment.pk))
    assert "Supercalifragilisticexpialidociousandthensomemorelettersinonelongword" in html


def test_the_printed_page_keeps_to_72_mm_of_print_width():
    # given
    css = Path(finders.find("payments/receipt.css")).read_text()
    # when / then: the browser's print of the receipt page also keeps a 72 mm column
    assert "width: 72mm" in css
    assert "overflow-wrap: anywhere" in css
