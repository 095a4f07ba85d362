"""Which templates customers read, and the rule that every word in them is marked for
translation.

The rule, on the template's source: outside {% translate %} and {% blocktranslate %} (and
comments), no text a person reads may hold a letter. "Text a person reads" is an HTML text node
(not inside <style> or <script>) and the attributes that are read out or shown: alt, title,
aria-label, aria-description, placeholder, and the value of a button-like input. Template
variables and tags count as no text (what they print is data, or marked where it is made). A
plain-text template (.txt: e-mails) has no tags: all its text outside the marked blocks counts.
"""

from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Customers read these (staff pages stay English). Directories take everything under them.
CUSTOMER_TEMPLATES = [
    "base.html",
    "403.html",
    "404.html",
    "500.html",
    "_form_errors.html",
    "_form_fields.html",
    "portal",
    "registration",
    "account",  # allauth's sign-in pages, as the district's
    "allauth",
    "mfa",
    "district/customer_home.html",
    "district/_sessions.html",  # where you are signed in (staff see it too)
    "billing/portal",
    "billing/emails",
    "billing/bills/bill_pdf.html",
    "billing/bills/bill_chart.svg",
    "billing/bills/_explanation.html",
    "payments/autopay/portal.html",
    "payments/autopay/portal_enrol.html",
    "payments/autopay/_home_panel.html",
    "payments/autopay/returns/notice_email.txt",
    "payments/autopay/returns/notice_subject.txt",
    "payments/online",
    "payments/counter/receipt_pdf.html",  # the printed receipt the cashier hands over
    "payments/counter/_receipt_body.html",
    "hydrants/usage/portal_meters.html",
]
# Staff pages that live among the customer's (a CSR's tools on a customer's login, the online
# payments list), and the demo's stand-in for the processor's own payment page.
STAFF_ONLY = [
    "portal/staff",
    "portal/online_access",
    "payments/online/list.html",
    "payments/online/sandbox_checkout.html",
]
READ_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "placeholder"}
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans",
                  "comment": "endcomment", "verbatim": "endverbatim"}  # fmt: skip
HOLE = " "  # where a variable or tag stood (a space: valid inside a tag, never a letter)


def customer_template_paths() -> list[Path]:
    paths = []
    for entry in CUSTOMER_TEMPLATES:
        path = TEMPLATES / entry
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        paths += [
            p
            for p in found
            if p.suffix in {".html", ".txt", ".svg"}
            and not any(p.is_relative_to(TEMPLATES / staff) for staff in STAFF_ONLY)
        ]
    return paths


def _unmarked_source(source: str) -> str:
    """The template's text with every variable and tag replaced by a hole, and the marked and
    commented blocks left out."""
    parts, closing = [], None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            closing = SKIPPED_BLOCKS.get(token.contents.split()[0])
        # A tag whose name a template tag chooses (<{% if href %}a{% else %}button{% endif %}):
        # a letter keeps it a tag for the parser.
        parts.append("x" if parts and parts[-1].endswith(("<", "</")) else HOLE)
    return "".join(parts)


class _ReadText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0  # inside <style> or <script>

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._hidden += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (
                name in READ_ATTRIBUTES
                or (name == "value" and tag == "input" and attributes.get("type") in BUTTON_INPUTS)
            ):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.found.append(data)


def unmarked_text(path: Path) -> list[str]:
    """The words in the template that no translation tag covers (empty: all marked)."""
    source = _unmarked_source(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        pieces = [source]
    else:
        parser = _ReadText()
        parser.feed(source)
        parser.close()
        pieces = parser.found
    texts = [" ".join(piece.replace(HOLE, " ").split()) for piece in pieces]
    return [text for text in texts if any(character.isalpha() for character in text)]
