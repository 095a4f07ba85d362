"""How rate pages name a schedule's period ("month", "two-month period"), from the rate format's
own words, so the template does not compare period codes."""

from django import template

from billing.rates.terms import PER_WORDS

register = template.Library()


@register.filter
def period_name(period: str) -> str:
    """A schedule period code in words: "two_months" -> "two-month period"."""
    return PER_WORDS.get(period, (period, period))[0]
