"""Money: Decimal only, two places, rounded half-up once per bill line. Never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyField(models.DecimalField):
    """An amount in dollars and cents (up to $9,999,999,999.99)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class RateField(models.DecimalField):
    """A price per unit, which may carry more than cents (e.g. $4.5960 per HCF)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 6)
        super().__init__(*args, **kwargs)


def quantize_money(value) -> Decimal:
    """Round to the cent, half-up (the rule for every bill line)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text) -> Decimal:
    """Parse what a person types ("12.5", "$1,234.50", "-3") into cents; refuse anything else."""
    if isinstance(text, Decimal):
        value = text
    else:
        cleaned = str(text).strip().replace("$", "").replace(",", "").replace(" ", "")
        if cleaned.startswith("(") and cleaned.endswith(")"):
            cleaned = "-" + cleaned[1:-1]
        try:
            value = Decimal(cleaned)
        except (InvalidOperation, ValueError):
            raise ValidationError(f"“{text}” is not an amount of money.", code="invalid") from None
    if not value.is_finite():
        raise ValidationError(f"“{text}” is not an amount of money.", code="invalid")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(
            "Amounts are in dollars and cents (at most two decimals).", code="cents"
        )
    return value.quantize(CENT)


def format_money(value) -> str:
    """$1,234.56, or -$12.00 for a credit."""
    amount = quantize_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def format_rate(value) -> str:
    """A price per unit with its own decimals, at least to the cent: $48.90, $4.596, $1,569.61.

    Rates are stored with six places (RateField); the trailing zeros beyond the cent are the
    column's, not the schedule's, so they are dropped ($4.596000 prints $4.596).
    """
    rate = Decimal(value).normalize()
    if rate.as_tuple().exponent > -2:
        rate = rate.quantize(CENT)
    sign = "-" if rate < 0 else ""
    whole, _, decimals = format(abs(rate), "f").partition(".")
    return f"{sign}${int(whole):,}.{decimals}"
