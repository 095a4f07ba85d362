"""Is a rendered notice complete? Checked on the HTML of the chosen language, not the facts.

Every element the law requires is a block marked `data-element="<code>"` in the rendered
notice. A notice is complete when each required block is there and says what it must: the
name and every address line, the amount as money, the date as the language writes it, and the
procedures as words that include the district's phone number. A translation that lost a
paragraph, or facts with no amount or no address, leave a block empty and are named here.
"""

import re
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

from .facts import TENANT, NoticeFacts
from .languages import format_date, notice_language
from .rendering import amount_text, render_notice

# Health & Safety Code 116908(a)(1)(C) (with 116906's phone number and website).
NOTICE_ELEMENTS: dict[str, str] = {
    "name": "The customer's name",
    "address": "The customer's address",
    "amount": "The amount of the delinquency",
    "pay_by": (
        "The date by which payment or arrangement for payment is required to avoid discontinuation"
    ),
    "extension": "How to apply for an extension of time to pay the delinquent charges",
    "appeal": ("How to petition for review and appeal of the bill giving rise to the delinquency"),
    "arrangement": (
        "How to request a deferred, reduced, or alternative payment schedule, including an "
        "amortization of the delinquent residential service charges"
    ),
    "contact": "The telephone number (and web address) to call to discuss options",
}

# Health & Safety Code 116916(b) and (f): the notice to the tenants of a landlord-billed home.
TENANT_NOTICE_ELEMENTS: dict[str, str] = {
    "name": "The addressee (the residents, or Occupant)",
    "address": "The address the notice is mailed to",
    "service_address": "The address whose water service will be shut off",
    "shutoff_date": "The date service will be shut off",
    "arrears": "That the account for the address is in arrears",
    "become_customer": (
        "That the residents may become customers without paying any amount due on the "
        "delinquent account"
    ),
    "how_to_become_customer": "How the residents become customers",
    "contact": "The telephone number (and web address) to call",
    "no_landlord_amount": (
        "No amount owed on the landlord's account (the law lets the tenant notice say only "
        "that the account is in arrears)"
    ),
}

# The blocks whose words are a procedure: each must name the phone number to call.
PROCEDURES = {"extension", "appeal", "arrangement", "how_to_become_customer", "contact"}
MONEY = re.compile(r"\$\d{1,3}(?:,\d{3})*\.\d{2}")
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class _ElementText(HTMLParser):
    """The text inside each data-element block (nested blocks count toward each enclosing one)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.text: dict[str, list[str]] = {}
        self.body: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            self._add(" ")
            return
        code = dict(attrs).get("data-element")
        if code is not None:
            self.text.setdefault(code, [])
        self.open.append((tag, code))

    def handle_startendtag(self, tag, attrs):
        self._add(" ")

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break
        self._add(" ")

    def handle_data(self, data):
        if any(tag in {"style", "title", "script"} for tag, _ in self.open):
            return
        self._add(data)

    def _add(self, data):
        self.body.append(data)
        for _, code in self.open:
            if code is not None:
                self.text[code].append(data)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def element_texts(html: str) -> tuple[dict[str, str], str]:
    """Each marked block's text, and the whole body's text, whitespace squeezed."""
    parser = _ElementText()
    parser.feed(html)
    parser.close()
    blocks = {code: _squeeze("".join(parts)) for code, parts in parser.text.items()}
    return blocks, _squeeze("".join(parser.body))


def _positive(amount) -> bool:
    try:
        return amount is not None and Decimal(amount) > 0
    except (InvalidOperation, TypeError, ValueError):
        return False


def _says(block: str, wanted: str) -> bool:
    wanted = _squeeze(wanted)
    return bool(wanted) and wanted in block


def _element_present(code: str, block: str | None, facts: NoticeFacts) -> bool:
    if not block:
        return False
    language = notice_language(facts.language)
    if code == "name":
        return _says(block, facts.addressee)
    if code == "address":
        lines = [line for line in facts.mailing_address if line.strip()]
        return bool(lines) and all(_says(block, line) for line in lines)
    if code == "service_address":
        return _says(block, facts.service_address)
    if code == "amount":
        money = amount_text(facts.amount_delinquent)
        return (
            _positive(facts.amount_delinquent) and bool(MONEY.search(block)) and _says(block, money)
        )
    if code in {"pay_by", "shutoff_date"}:
        return _says(block, format_date(facts.pay_by, language))
    if code in PROCEDURES:
        website = facts.district_website.strip()
        if code == "contact" and website and not _says(block, website):
            return False
        return _says(block, facts.district_phone)
    return True


def missing_in_html(html: str, facts: NoticeFacts) -> list[str]:
    """The labels of the required elements `html` lacks (for these facts), in the law's order."""
    blocks, body = element_texts(html)
    required = TENANT_NOTICE_ELEMENTS if facts.kind == TENANT else NOTICE_ELEMENTS
    missing = []
    for code, label in required.items():
        if code == "no_landlord_amount":
            if MONEY.search(body):
                missing.append(label)
        elif not _element_present(code, blocks.get(code), facts):
            missing.append(label)
    return missing


def notice_missing(facts: NoticeFacts) -> list[str]:
    """The labels of the elements the notice for `facts` would lack, as rendered."""
    return missing_in_html(render_notice(facts), facts)
