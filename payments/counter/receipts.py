"""The receipt as a PDF for 80 mm receipt printers: HTML from
templates/payments/counter/receipt_pdf.html (the same body as the page), printed by the
district's one PDF renderer (district.pdf). Tagged PDF/UA-1 with its language and title (ADA Title II: PDFs are web content too). The page
is 80 mm wide and as long as the receipt needs (estimated from its rows), as a roll printer
cuts it. Rendered when opened (a tenth of a second): a receipt's void state may still change.
"""

from pathlib import Path

from django.contrib.staticfiles import finders

from accounts.languages import in_customer_language
from district.pdf import document_html, html_document, html_pdf
from payments.counter.selectors import Receipt

TEMPLATE = "payments/counter/receipt_pdf.html"
CSS = "payments/receipt.css"
# Page length: the fixed parts (header, facts, totals, footer) and each row, in millimetres.
BASE_HEIGHT_MM = 120
ACCOUNT_HEIGHT_MM = 38
ROW_HEIGHT_MM = 7


def page_height_mm(data: Receipt) -> int:
    rows = len(data.tenders) + sum(
        len(item.application.charges) + (1 if item.application.to_credit else 0)
        for item in data.lines
    )
    return BASE_HEIGHT_MM + ACCOUNT_HEIGHT_MM * len(data.lines) + ROW_HEIGHT_MM * rows


def _css() -> str:
    path = finders.find(CSS)
    return Path(path).read_text(encoding="utf-8") if path else ""


def receipt_language_customer(data: Receipt):
    """Whose language the printed receipt is in: the customer of its first account (a payment
    for several accounts is usually one person's); English without one."""
    return data.lines[0].line.account.customer if data.lines else None


def receipt_html(data: Receipt) -> str:
    """The receipt as a standalone HTML document (what the PDF is printed from), in the
    customer's language: the cashier hands it to them (the page on screen stays English)."""
    with in_customer_language(receipt_language_customer(data)):
        return document_html(
            TEMPLATE,
            {
                "receipt": data,
                "payment": data.payment,
                "receipt_css": _css(),
                "page_height_mm": page_height_mm(data),
            },
        )


def receipt_document(data: Receipt):
    """The receipt laid out in pages (tests measure its print width)."""
    return html_document(receipt_html(data))


def receipt_pdf(data: Receipt) -> bytes:
    return html_pdf(receipt_html(data))
