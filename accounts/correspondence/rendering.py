"""Letters rendered from the current template version, in the customer's language when the
district has the letter in it and in English otherwise, and printed by district.pdf (tagged
PDF/UA, the letterhead every document shares)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.correspondence import selectors
from accounts.correspondence.kinds import letter_kind
from accounts.correspondence.merge import merge_render, template_compile
from accounts.correspondence.models import LetterTemplateVersion
from accounts.models import ServiceAccount
from district.errors import ServiceError
from district.ledger.selectors import account_balance
from district.pdf import document_html, html_pdf, letterhead

DOCUMENT_TEMPLATE = "correspondence/letter_document.html"
# How a letter dates itself; a language not listed writes the date the English way. Spanish
# keeps the US month/day/year order the bill, the portal and the e-mails print, so 03/04 is
# March 4 on every paper a customer holds.
DATE_FORMATS = {"en": "F j, Y", "es": "m/d/Y"}


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    html: str  # the whole document, letterhead and recipient included
    language: str
    version: LetterTemplateVersion | None = None


def letter_name(customer) -> str:
    """The customer as a letter addresses them: "Maria Lopez" (not the directory's "Lopez,
    Maria"), or the business's name."""
    if customer.is_business:
        return customer.business_name
    return f"{customer.first_name} {customer.last_name}".strip() or customer.display_name


def mailing_lines(account: ServiceAccount) -> list[str]:
    """The address the letter goes to, as printed: the mailing address, else the service one."""
    customer, premise = account.customer, account.premise
    if customer.mailing_line1:
        lines = [
            customer.mailing_line1,
            customer.mailing_line2,
            f"{customer.mailing_city}, {customer.mailing_state} {customer.mailing_zip}".strip(),
        ]
    else:  # no mailing address on file: the letter goes to the service address
        lines = [premise.address_line, f"{premise.city}, {premise.state} {premise.zip_code}"]
    lines = [line for line in lines if line]
    return lines + [""] * (3 - len(lines))


def merge_context(
    account: ServiceAccount, *, extra: dict | None = None, today: datetime.date | None = None
) -> dict:
    """The merge fields every letter has, for `account`, with the caller's facts over them."""
    district = letterhead()
    line1, line2, line3 = mailing_lines(account)[:3]
    return {
        "customer_name": letter_name(account.customer),
        "mailing_address_line1": line1,
        "mailing_address_line2": line2,
        "mailing_address_line3": line3,
        "account_number": account.formatted_number,
        "service_address": account.premise.full_address,
        "balance": account_balance(account.pk),
        "due_date": None,
        "amount": None,
        "date": today or timezone.localdate(),
        "district_name": district["district_name"],
        "district_phone": district["district_phone"],
        "district_address": district["district_address"],
        **(extra or {}),
    }


def preview_context(kind, account: ServiceAccount | None = None) -> dict:
    """The kind's sample facts with the district's own name and contacts, and `account`'s
    facts over them when given (what a preview merges)."""
    district = letterhead()
    context = {
        **kind.sample,
        "district_name": district["district_name"],
        "district_phone": district["district_phone"],
        "district_address": district["district_address"],
        "date": timezone.localdate(),
    }
    if account is not None:
        facts = merge_context(account)
        context.update({name: value for name, value in facts.items() if value is not None})
    return context


def render_version(
    version: LetterTemplateVersion, context: dict, *, account=None, customer=None, premise=None
) -> RenderedLetter:
    """`version` merged with `context` into the letter document."""
    kind = letter_kind(version.template.key)
    unknown = set(context) - set(kind.fields)
    if unknown:  # a caller's mistake, not a clerk's: fail loudly
        raise ValueError(f"Not merge fields of {kind.key}: {', '.join(sorted(unknown))}")
    language = version.template.language
    subject = merge_render(
        template_compile(version.subject, kind, field="subject"), context, autoescape=False
    ).strip()
    body = merge_render(template_compile(version.body, kind), context)
    html = document_html(
        DOCUMENT_TEMPLATE,
        {
            "language": language,
            "subject": subject,
            "body": body,
            "account": account,
            "customer": customer,
            "premise": premise,
            "recipient": context["customer_name"],
            "lines": [context[f"mailing_address_line{n}"] for n in (1, 2, 3)],
            "today": context["date"],
            "date_format": DATE_FORMATS.get(language, DATE_FORMATS["en"]),
        },
    )
    return RenderedLetter(subject=subject, html=html, language=language, version=version)


def letter_render(
    *, key: str, account: ServiceAccount, context_extra: dict | None = None, language=None
) -> RenderedLetter:
    """The `key` letter to `account`, in `language` (default: the customer's) or English."""
    letter_kind(key)
    version = selectors.version_for(key, language or account.customer.language)
    if version is None:
        raise ServiceError(f'There is no "{key}" letter template yet: a supervisor adds it.')
    return render_version(
        version,
        merge_context(account, extra=context_extra),
        account=account,
        customer=account.customer,
        premise=account.premise,
    )


def letter_pdf(
    *, key: str, account: ServiceAccount, context_extra: dict | None = None, language=None
) -> bytes:
    """The `key` letter to `account` as a tagged PDF."""
    rendered = letter_render(
        key=key, account=account, context_extra=context_extra, language=language
    )
    return html_pdf(rendered.html)
