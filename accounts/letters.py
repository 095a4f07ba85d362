"""Letters to customers, in their language: each kind of letter has a template per language
("..._{language}.html"); a language the district has no template for gets the English letter.
The district's letterhead is the same on every letter."""

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from accounts.models import Customer, Language

FALLBACK_LANGUAGE = Language.ENGLISH


def letter_language(template_pattern: str, customer: Customer) -> str:
    """The customer's language when `template_pattern` has a template in it, else English."""
    try:
        get_template(template_pattern.format(language=customer.language))
    except TemplateDoesNotExist:
        return FALLBACK_LANGUAGE
    return customer.language


def letterhead() -> dict:
    """The district's name and contacts, as every letter prints them."""
    return {
        "district_name": settings.DISTRICT_NAME,
        "district_address": settings.DISTRICT_ADDRESS,
        "district_phone": settings.DISTRICT_PHONE,
        "district_email": getattr(settings, "DISTRICT_EMAIL", ""),
    }
