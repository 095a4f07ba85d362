"""The notice a customer or tenant receives: HTML checked complete, and its tagged PDF."""

from district.errors import ServiceError
from district.pdf import html_pdf

from .facts import TENANT, NoticeFacts
from .rendering import render_notice
from .validation import missing_in_html


def notice_html(facts: NoticeFacts) -> str:
    """The notice's HTML; refused, naming what is missing, unless every element is in it."""
    html = render_notice(facts)
    missing = missing_in_html(html, facts)
    if missing:
        what = "tenant notice" if facts.kind == TENANT else "disconnection notice"
        raise ServiceError(
            f"The {what} for account {facts.account_number} cannot be sent; it lacks: "
            + "; ".join(missing)
            + ".",
            code="notice_incomplete",
        )
    return html


def notice_pdf(facts: NoticeFacts) -> bytes:
    """The checked notice printed as a tagged PDF (PDF/UA-1, like every district document)."""
    return html_pdf(notice_html(facts))
