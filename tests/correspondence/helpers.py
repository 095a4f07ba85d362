"""Builders shared by the correspondence tests."""

import re
import zlib

from accounts.correspondence.models import LetterTemplate, LetterTemplateVersion
from tests.factories import CustomerFactory, PremiseFactory, ServiceAccountFactory

# A page object of a PDF ("/Type /Page", not the "/Type /Pages" tree above them).
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF, those in compressed object streams included (no PDF library)."""
    texts = [pdf]
    for stream in STREAM.findall(pdf):
        try:
            texts.append(zlib.decompress(stream))
        except zlib.error:
            continue  # not a deflated stream (an image, a font): no page objects inside
    return sum(len(PAGE.findall(text)) for text in texts)


def lopez_account(**fields):
    """Maria Lopez's account at 125 Orchard Ln, mailing to a PO box, in English."""
    customer = CustomerFactory(
        first_name="Maria",
        last_name="Lopez",
        email="maria@example.org",
        mailing_line1="PO Box 77",
        mailing_city="Mesa Verde",
        mailing_state="CA",
        mailing_zip="92001",
        language=fields.pop("language", "en"),
    )
    premise = PremiseFactory(house_number="125", street="Orchard Ln")
    return ServiceAccountFactory(customer=customer, premise=premise, **fields)


def set_text(key: str, language: str, subject: str, body: str) -> LetterTemplateVersion:
    """A new current version of the key/language template, written directly (test set-up)."""
    template, _ = LetterTemplate.objects.get_or_create(key=key, language=language)
    last = template.versions.order_by("-number").first()
    return LetterTemplateVersion.objects.create(
        template=template,
        number=(last.number + 1) if last else 1,
        subject=subject,
        body=body,
        reason="test",
    )
