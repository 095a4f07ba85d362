"""Template filters for people-facing numbers: {{ amount|money }} -> $1,234.56,
{{ line.rate|rate }} -> $48.90 or $4.596, {{ line.quantity|quantity:line.unit }} -> 2 months,
{{ digits|phone }}. Money on pages, PDFs and emails goes through these (never a bare
{{ amount }}, floatformat or str(Decimal): $48.9 is not how money is written)."""

from django import template

from district.money import format_money, format_rate
from district.phones import format_phone
from district.quantities import quantity_text

register = template.Library()


@register.filter
def money(value) -> str:
    """$1,234.56 (or -$12.00 for a credit); blank for None or ""."""
    if value is None or value == "":
        return ""
    return format_money(value)


@register.filter
def rate(value) -> str:
    """A rate with its own decimals, at least two: $48.90, $4.596; blank for None or ""."""
    if value is None or value == "":
        return ""
    return format_rate(value)


@register.filter
def quantity(value, unit="") -> str:
    """A quantity with its unit as people say it: 1 month, 2 months, 30 days, 18 HCF."""
    return quantity_text(value, unit or "")


@register.filter
def phone(value) -> str:
    """(555) 555-0100 from the stored 10 digits; anything else as it is."""
    return format_phone(value or "")
