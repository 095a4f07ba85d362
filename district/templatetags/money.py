"""Template filters for the counter: {{ amount|money }} -> $1,234.56, {{ digits|phone }}."""

from django import template

from district.money import format_money
from district.phones import format_phone

register = template.Library()


@register.filter
def money(value) -> str:
    """$1,234.56 (or -$12.00 for a credit); blank for None or ""."""
    if value is None or value == "":
        return ""
    return format_money(value)


@register.filter
def phone(value) -> str:
    """(555) 555-0100 from the stored 10 digits; anything else as it is."""
    return format_phone(value or "")
