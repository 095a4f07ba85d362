"""Every PDF the district prints: bills, receipts, deposit slips, letters, route sheets, reports.

One renderer, so every document is a tagged PDF/UA-1 (read in order by screen readers: the
DOJ's ADA Title II rule counts PDFs as web content) with the language and title its HTML
declares, and one letterhead, so every document names the district the same way.

Templates keep their styles inside the document (no <link>): nothing is fetched while
rendering, and a render takes about a tenth of a second a page.
"""

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

PDF_VARIANT = "pdf/ua-1"


def letterhead() -> dict:
    """The district's name and contacts, as every document prints them."""
    return {
        "district_name": settings.DISTRICT_NAME,
        "district_address": settings.DISTRICT_ADDRESS,
        "district_phone": settings.DISTRICT_PHONE,
        "district_email": getattr(settings, "DISTRICT_EMAIL", ""),
        "printed_on": timezone.localdate(),
    }


def document_html(template_name: str, context: dict) -> str:
    """The document as HTML, letterhead included (what the PDF is printed from; tests read it)."""
    return render_to_string(template_name, {**letterhead(), **context})


def html_document(html: str) -> weasyprint.Document:
    """Lay out HTML into pages (to combine several documents into one print file)."""
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def html_pdf(html: str) -> bytes:
    """HTML printed as a tagged PDF."""
    return html_document(html).write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(template_name: str, context: dict) -> bytes:
    """A template printed as a tagged PDF, with the district's letterhead in its context."""
    return html_pdf(document_html(template_name, context))


def combined_pdf(documents: list[weasyprint.Document]) -> bytes:
    """Several laid-out documents as one PDF, each starting on its own page."""
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
