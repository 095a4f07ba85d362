"""The notice as HTML, before any check: a template per kind and language.

Each language's template holds only words; the layout, and the `data-element` marks the
validator reads, are in the two base templates (_customer_base.html, _tenant_base.html), so a
translation cannot drop a mark, only leave its block empty, and an empty block is caught.
"""

from decimal import Decimal, InvalidOperation

from district.money import format_money
from district.pdf import document_html

from .facts import TENANT, NoticeFacts
from .languages import HTML_LANG, format_date, notice_language

TEMPLATE = "collections/notices/{kind}_{language}.html"


def template_name(facts: NoticeFacts) -> str:
    kind = TENANT if facts.kind == TENANT else "customer"
    return TEMPLATE.format(kind=kind, language=notice_language(facts.language))


def amount_text(amount) -> str:
    """$1,234.56, or blank when there is no amount (the validator then names it missing)."""
    if amount is None or amount == "":
        return ""
    try:
        return format_money(Decimal(amount))
    except (InvalidOperation, TypeError, ValueError):
        return ""


def notice_context(facts: NoticeFacts) -> dict:
    language = notice_language(facts.language)
    context = {
        "language": language,
        "html_lang": HTML_LANG[language],
        "addressee": facts.addressee,
        "mailing_address": [line for line in facts.mailing_address if line.strip()],
        "service_address": facts.service_address,
        "account_number": facts.account_number,
        "pay_by_text": format_date(facts.pay_by, language),
        "issued_on_text": format_date(facts.issued_on, language),
        "office_address": facts.office_address,
        "district_website": facts.district_website,
        # The letterhead's names, from the facts, so the notice names one phone and address.
        "district_phone": facts.district_phone,
        "district_name": facts.district_name,
        "district_address": facts.office_address,
    }
    if facts.kind != TENANT:
        context["amount_text"] = amount_text(facts.amount_delinquent)
    return context


def render_notice(facts: NoticeFacts) -> str:
    """The notice's HTML, letterhead included, unchecked (notice_html checks it)."""
    return document_html(template_name(facts), notice_context(facts))
