"""The SB 998 written disconnection notice: every element in every language, the validator
that reads the rendered notice, the Occupant copy, the tenants' notice, and the PDF."""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from billing.collections import notices
from billing.collections.notices import (
    NOTICE_ELEMENTS,
    NOTICE_LANGUAGES,
    OCCUPANT,
    TENANT_NOTICE_ELEMENTS,
    NoticeFacts,
    documents,
    notice_copies,
    notice_facts_defaults,
    notice_html,
    notice_missing,
    notice_pdf,
)
from billing.collections.notices.validation import element_texts
from district.errors import ServiceError

PHONE = "(555) 555-0100"
WEBSITE = "https://water.example.org"
OFFICE = "1200 Reservoir Road, Mesa Verde, CA 92000"

PAY_BY_TEXT = {
    "en": "December 15, 2026",
    "es": "15 de diciembre de 2026",
    "zh": "2026年12月15日",
    "tl": "Disyembre 15, 2026",
    "vi": "ngày 15 tháng 12 năm 2026",
    "ko": "2026년 12월 15일",
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def make_facts(**overrides) -> NoticeFacts:
    values = {
        "language": "en",
        "kind": "customer",
        "addressee": "Maria Delgado",
        "mailing_address": ("PO Box 4410", "Mesa Verde, CA 92001"),
        "service_address": "12 Oak St, Mesa Verde, CA 92000",
        "account_number": "100200-01",
        "amount_delinquent": Decimal("1234.50"),
        "pay_by": date(2026, 12, 15),
        "issued_on": date(2026, 12, 4),
        "district_phone": PHONE,
        "district_website": WEBSITE,
        "district_name": "Mesa Verde Water District",
        "office_address": OFFICE,
    }
    values.update(overrides)
    return NoticeFacts(**values)


def tenant_facts(**overrides) -> NoticeFacts:
    values = {
        "kind": "tenant",
        "addressee": OCCUPANT,
        "mailing_address": ("12 Oak St", "Mesa Verde, CA 92000"),
        "amount_delinquent": Decimal("987.65"),
    }
    values.update(overrides)
    return make_facts(**values)


def blocks_of(facts: NoticeFacts) -> dict[str, str]:
    return element_texts(notice_html(facts))[0]


# Every language, every element ------------------------------------------------------------


@pytest.mark.parametrize("element", list(NOTICE_ELEMENTS))
@pytest.mark.parametrize("language", NOTICE_LANGUAGES)
def test_customer_notice_has_every_element_in_every_language(language, element):
    # given a complete account's facts in the customer's language
    facts = make_facts(language=language)

    # when the notice is rendered
    blocks = blocks_of(facts)

    # then the element's block is there and says what it must
    assert notice_missing(facts) == []
    block = blocks[element]
    expected = {
        "name": "Maria Delgado",
        "address": "PO Box 4410 Mesa Verde, CA 92001",
        "amount": "$1,234.50",
        "pay_by": PAY_BY_TEXT[language],
        "extension": PHONE,
        "appeal": PHONE,
        "arrangement": PHONE,
        "contact": WEBSITE,
    }[element]
    assert expected in block
    if element != "name":
        assert len(block) > len(expected)  # words around the fact: a label or a procedure


@pytest.mark.parametrize(
    "element", [c for c in TENANT_NOTICE_ELEMENTS if c != "no_landlord_amount"]
)
@pytest.mark.parametrize("language", NOTICE_LANGUAGES)
def test_tenant_notice_has_every_element_in_every_language(language, element):
    facts = tenant_facts(language=language)

    blocks = blocks_of(facts)

    assert notice_missing(facts) == []
    assert blocks[element].strip()


@pytest.mark.parametrize("language", NOTICE_LANGUAGES)
def test_the_notice_is_in_the_customers_language(language):
    html = notice_html(make_facts(language=language))

    lang = {"zh": "zh-Hant"}.get(language, language)
    assert f'<html lang="{lang}">' in html
    assert bool(HANGUL.search(html)) is (language == "ko")
    assert bool(HAN.search(html)) is (language == "zh")
    if language == "vi":
        assert "Dịch vụ nước của quý vị có thể bị cắt" in html


@pytest.mark.parametrize("language", ["other", "fr", ""])
def test_a_language_without_a_notice_gets_the_english_one(language):
    facts = make_facts(language=language)

    html = notice_html(facts)

    assert '<html lang="en">' in html
    assert "Your water service may be shut off" in html
    assert "December 15, 2026" in html
    assert notice_missing(facts) == []


# The validator reads the rendered notice ---------------------------------------------------


@pytest.fixture
def override_templates(settings, tmp_path):
    """Put a template in front of the project's (it may extend the one it replaces)."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0] = {**templates[0], "DIRS": [tmp_path, *templates[0]["DIRS"]]}
    settings.TEMPLATES = templates

    def write(name: str, text: str):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    return write


@pytest.mark.parametrize(
    "language, element",
    [
        ("ko", "appeal"),
        ("es", "extension"),
        ("zh", "arrangement"),
        ("vi", "contact"),
        ("tl", "appeal"),
        ("en", "arrangement"),
    ],
)
def test_a_translation_missing_a_paragraph_is_refused_naming_it(
    override_templates, language, element
):
    # given the language's template with one paragraph left empty
    name = f"collections/notices/customer_{language}.html"
    override_templates(name, f'{{% extends "{name}" %}}{{% block {element} %}}{{% endblock %}}')
    facts = make_facts(language=language)

    # when it is checked and printed
    missing = notice_missing(facts)
    with pytest.raises(ServiceError) as refused:
        notice_html(facts)

    # then exactly that element is named, in the message too
    assert missing == [NOTICE_ELEMENTS[element]]
    assert NOTICE_ELEMENTS[element] in refused.value.messages[0]
    assert "100200-01" in refused.value.messages[0]


def test_a_procedure_without_the_phone_number_is_refused(override_templates):
    name = "collections/notices/customer_es.html"
    override_templates(
        name, f'{{% extends "{name}" %}}{{% block appeal %}}<p>Escríbanos.</p>{{% endblock %}}'
    )

    assert notice_missing(make_facts(language="es")) == [NOTICE_ELEMENTS["appeal"]]


def test_a_notice_whose_mark_was_removed_is_refused(monkeypatch):
    # given a layout that lost the appeal block altogether (its mark and words)
    rendered = documents.render_notice

    def without_appeal(facts):
        html = rendered(facts)
        return re.sub(r'<div data-element="appeal">.*?</div>', "", html, flags=re.S)

    monkeypatch.setattr(documents, "render_notice", without_appeal)

    with pytest.raises(ServiceError) as refused:
        notice_html(make_facts(language="ko"))

    assert refused.value.messages == [
        "The disconnection notice for account 100200-01 cannot be sent; it lacks: "
        f"{NOTICE_ELEMENTS['appeal']}."
    ]


def test_a_notice_showing_another_date_is_refused(monkeypatch):
    rendered = documents.render_notice
    monkeypatch.setattr(
        documents,
        "render_notice",
        lambda facts: rendered(facts).replace("2026年12月15日", "2026年12月22日"),
    )

    with pytest.raises(ServiceError) as refused:
        notice_html(make_facts(language="zh"))

    assert NOTICE_ELEMENTS["pay_by"] in refused.value.messages[0]


@pytest.mark.parametrize("amount", [None, Decimal("0"), Decimal("-5.00"), ""])
def test_an_empty_amount_is_refused(amount):
    facts = make_facts(amount_delinquent=amount, language="tl")

    assert notice_missing(facts) == [NOTICE_ELEMENTS["amount"]]
    with pytest.raises(ServiceError, match="The amount of the delinquency"):
        notice_html(facts)


@pytest.mark.parametrize("mailing_address", [(), ("", "  ")])
def test_a_missing_address_is_refused(mailing_address):
    facts = make_facts(mailing_address=mailing_address)

    assert notice_missing(facts) == [NOTICE_ELEMENTS["address"]]
    with pytest.raises(ServiceError, match="The customer's address"):
        notice_pdf(facts)


def test_a_missing_name_and_phone_are_refused():
    facts = make_facts(addressee=" ", district_phone="")

    assert notice_missing(facts) == [
        NOTICE_ELEMENTS["name"],
        NOTICE_ELEMENTS["extension"],
        NOTICE_ELEMENTS["appeal"],
        NOTICE_ELEMENTS["arrangement"],
        NOTICE_ELEMENTS["contact"],
    ]


def test_without_a_website_the_notice_gives_the_phone_and_office():
    facts = make_facts(district_website="")

    contact = blocks_of(facts)["contact"]

    assert contact == (
        f"Call us at {PHONE}, or come to our office at {OFFICE}. Our policy on shutting off "
        "water for nonpayment is on our website, and we will mail you a copy if you ask."
    )


def test_the_name_and_address_are_escaped_and_still_found():
    facts = make_facts(addressee="Ana O'Neil & Luis Paz", mailing_address=("1 <Main> St",))

    html = notice_html(facts)

    assert "Ana O&#x27;Neil &amp; Luis Paz" in html
    assert "1 &lt;Main&gt; St" in html


# The Occupant copy ---------------------------------------------------------------------------


def test_a_customer_mailed_elsewhere_also_gets_an_occupant_copy_at_the_service_address():
    # given a customer whose bills go to a PO box
    facts = make_facts(language="es")

    # when the notices to mail are listed
    copies = notice_copies(facts)

    # then the second is the same notice addressed to "Occupant" at the service address
    assert [copy.addressee for copy in copies] == ["Maria Delgado", "Occupant"]
    occupant = copies[1]
    assert occupant.mailing_address == ("12 Oak St", "Mesa Verde, CA 92000")
    assert replace(occupant, addressee=facts.addressee, mailing_address=facts.mailing_address) == (
        facts
    )
    blocks = blocks_of(occupant)
    assert blocks["name"] == "Occupant"
    assert blocks["address"] == "Occupant 12 Oak St Mesa Verde, CA 92000"
    assert "$1,234.50" in blocks["amount"]
    assert "15 de diciembre de 2026" in blocks["pay_by"]
    original = blocks_of(facts)
    for element in ("extension", "appeal", "arrangement", "contact"):
        assert blocks[element] == original[element]


def test_a_customer_mailed_at_the_service_address_gets_one_notice():
    facts = make_facts(mailing_address=("12 OAK ST.", "Mesa Verde CA 92000"))

    assert notice_copies(facts) == [facts]


def test_tenants_get_no_occupant_copy():
    facts = tenant_facts(mailing_address=("Residents", "12 Oak St", "Mesa Verde, CA 92000"))

    assert notice_copies(facts) == [facts]


# The tenants' notice -------------------------------------------------------------------------


def test_the_tenant_notice_tells_residents_they_may_become_customers_without_the_arrears():
    facts = tenant_facts()

    html = notice_html(facts)
    blocks = element_texts(html)[0]

    assert blocks["become_customer"] == (
        "You have the right to become our customer, so that the water bills for your home are "
        "sent to you. You do not have to pay any amount owed on the owner's or manager's "
        "past-due account to do this."
    )
    assert blocks["shutoff_date"] == "Shut-off date December 15, 2026"
    assert blocks["service_address"] == "Service address 12 Oak St, Mesa Verde, CA 92000"
    assert "past due" in blocks["arrears"]
    assert "before December 15, 2026" in blocks["how_to_become_customer"]
    assert "rent receipts" in blocks["how_to_become_customer"]
    assert "Notice to residents: water service will be shut off" in html


@pytest.mark.parametrize("language", NOTICE_LANGUAGES)
def test_the_tenant_notice_never_shows_the_landlords_amount_or_account(language):
    html = notice_html(tenant_facts(language=language))

    assert "987.65" not in html
    assert "$" not in html
    assert "100200-01" not in html


def test_a_tenant_notice_that_shows_an_amount_is_refused(monkeypatch):
    rendered = documents.render_notice
    monkeypatch.setattr(
        documents,
        "render_notice",
        lambda facts: rendered(facts).replace("</h1>", "</h1><p>Owed: $987.65</p>"),
    )

    with pytest.raises(ServiceError) as refused:
        notice_html(tenant_facts())

    assert refused.value.messages[0].startswith("The tenant notice for account 100200-01")
    assert TENANT_NOTICE_ELEMENTS["no_landlord_amount"] in refused.value.messages[0]


def test_a_tenant_notice_without_a_service_address_is_refused():
    facts = tenant_facts(service_address="")

    assert notice_missing(facts) == [TENANT_NOTICE_ELEMENTS["service_address"]]


# The PDF and the district's details ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["customer", "tenant"])
@pytest.mark.parametrize("language", NOTICE_LANGUAGES)
def test_the_notice_prints_as_a_pdf(language, kind):
    facts = make_facts(language=language) if kind == "customer" else tenant_facts(language=language)

    pdf = notice_pdf(facts)

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000


def test_the_defaults_are_the_letterheads(settings):
    settings.DISTRICT_NAME = "Cañada Water District"
    settings.DISTRICT_PHONE = "(555) 555-0199"
    settings.DISTRICT_ADDRESS = "9 Mill Lane, Cañada, CA 93000"
    settings.DISTRICT_WEBSITE = "https://canadawater.example.gov"

    assert notice_facts_defaults() == {
        "district_phone": "(555) 555-0199",
        "district_website": "https://canadawater.example.gov",
        "district_name": "Cañada Water District",
        "office_address": "9 Mill Lane, Cañada, CA 93000",
    }


def test_the_website_falls_back_to_the_portal_address(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.gov"
    if hasattr(settings, "DISTRICT_WEBSITE"):
        del settings.DISTRICT_WEBSITE

    assert notice_facts_defaults()["district_website"] == "https://portal.example.gov"


def test_the_package_exports_its_api():
    for name in ("NoticeFacts", "NOTICE_ELEMENTS", "notice_missing", "notice_html", "notice_pdf"):
        assert hasattr(notices, name)
    assert list(NOTICE_ELEMENTS) == [
        "name",
        "address",
        "amount",
        "pay_by",
        "extension",
        "appeal",
        "arrangement",
        "contact",
    ]
