"""The written disconnection notice of California's Water Shutoff Protection Act (SB 998,
Health & Safety Code 116900-116926): the customer's notice (116908) and the tenants' notice
(116916), in the six languages of Civil Code 1632 (116906), checked complete on the rendered
text before it is printed."""

from .documents import notice_html, notice_pdf
from .facts import (
    CUSTOMER,
    OCCUPANT,
    TENANT,
    NoticeFacts,
    needs_occupant_copy,
    notice_copies,
    notice_facts_defaults,
    occupant_copy,
)
from .languages import NOTICE_LANGUAGES, format_date, notice_language
from .validation import NOTICE_ELEMENTS, TENANT_NOTICE_ELEMENTS, missing_in_html, notice_missing

__all__ = [
    "CUSTOMER",
    "NOTICE_ELEMENTS",
    "NOTICE_LANGUAGES",
    "OCCUPANT",
    "TENANT",
    "TENANT_NOTICE_ELEMENTS",
    "NoticeFacts",
    "format_date",
    "missing_in_html",
    "needs_occupant_copy",
    "notice_copies",
    "notice_facts_defaults",
    "notice_html",
    "notice_language",
    "notice_missing",
    "notice_pdf",
    "occupant_copy",
]
