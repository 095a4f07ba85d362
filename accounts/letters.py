"""Letters to customers, in their language: each kind of letter has a template per language
("..._{language}.html"); a language the district has no template for gets the English letter.
The district's letterhead is the same on every letter."""

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from accounts.models import Customer, Language
from district.pdf import letterhead

__all__ = ["FALLBACK_LANGUAGE", "letter_language", "letterhead"]

FALLBACK_LANGUAGE = Language.ENGLISH


def letter_language(template_pattern: str, customer: Customer) -> str:
    """The customer's language when `template_pattern` has a template in it, else English."""
    try:
        get_template(template_pattern.format(language=customer.language))
    except TemplateDoesNotExist:
        return FALLBACK_LANGUAGE
    return customer.language
