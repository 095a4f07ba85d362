"""What a disconnection notice says about one account: the facts the caller gathers.

The notice ladder decides who gets a notice and when (the pay-by date for a customer, the
shut-off date for tenants, at least 10 days ahead or 7 for a detached single-family house:
Health & Safety Code 116916); this package only writes the notice and checks it is complete.
"""

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings

from district.pdf import letterhead

CUSTOMER = "customer"
TENANT = "tenant"
KINDS = (CUSTOMER, TENANT)

# Health & Safety Code 116908(a)(1)(C): the copy mailed to the service address is addressed
# to "Occupant", in those words.
OCCUPANT = "Occupant"


@dataclass(frozen=True)
class NoticeFacts:
    language: str  # "en", "es", "zh", "tl", "vi", "ko" (anything else -> "en")
    kind: str  # "customer" or "tenant"
    addressee: str  # the customer's name, or "Occupant" for the service-address copy
    mailing_address: tuple[str, ...]  # the envelope's lines below the addressee
    service_address: str
    account_number: str
    # Customer notice: required and above zero (None or 0 is refused). Tenant notice: never
    # printed (116916 tells tenants only that the landlord's account is in arrears).
    amount_delinquent: Decimal
    pay_by: date  # customer: pay or arrange to pay by; tenant: the shut-off date
    issued_on: date
    district_phone: str
    district_website: str
    district_name: str
    office_address: str


def notice_facts_defaults() -> dict:
    """The district's name, phone, website and office address, as the letterhead prints them.

    The website is settings.DISTRICT_WEBSITE when set, else the portal's address
    (PORTAL_BASE_URL); both are empty on a development machine, and a notice then leaves the
    website out (the phone number is what the law requires).
    """
    head = letterhead()
    website = getattr(settings, "DISTRICT_WEBSITE", "") or getattr(settings, "PORTAL_BASE_URL", "")
    return {
        "district_phone": head["district_phone"],
        "district_website": website,
        "district_name": head["district_name"],
        "office_address": head["district_address"],
    }


def _comparable(text: str) -> str:
    return re.sub(r"[^0-9A-Z]+", "", text.upper())


def service_address_lines(service_address: str) -> tuple[str, ...]:
    """ "12 Oak St, Mesa Verde, CA 92000" as envelope lines: the street, then the rest."""
    street, _, rest = (part.strip() for part in service_address.partition(","))
    return tuple(line for line in (street, rest) if line)


def needs_occupant_copy(facts: NoticeFacts) -> bool:
    """The customer is mailed somewhere other than the service address (116908(a)(1)(C))."""
    if facts.kind != CUSTOMER or facts.addressee == OCCUPANT:
        return False
    return _comparable(" ".join(facts.mailing_address)) != _comparable(facts.service_address)


def occupant_copy(facts: NoticeFacts) -> NoticeFacts:
    """The same notice addressed to "Occupant" at the service address."""
    return replace(
        facts, addressee=OCCUPANT, mailing_address=service_address_lines(facts.service_address)
    )


def notice_copies(facts: NoticeFacts) -> list[NoticeFacts]:
    """Every notice to mail for these facts: the customer's, and the Occupant copy if needed."""
    if needs_occupant_copy(facts):
        return [facts, occupant_copy(facts)]
    return [facts]
