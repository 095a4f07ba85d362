"""Days, periods and exact rounding for the rate engine (pure: no database, no Django).

Arithmetic runs on `Fraction`s, so nothing is rounded on the way; a bill line's amount is
rounded half-up to the cent once, at the end (`money`). Quantities that a bill shows (a tier's
size, a share of the consumption) are rounded to the hundredth (`hundredths`), the precision of
a meter reading.
"""

import datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from district.money import quantize_money

HUNDREDTH = Decimal("0.01")


def exact(value) -> Fraction:
    """A Decimal, int or decimal string as an exact fraction (never via float)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise TypeError("Rates and amounts are never floats.")
    return Fraction(Decimal(value) if isinstance(value, str) else value)


# Sixty digits: enough that rounding a quotient afterwards is exact. A context of its own,
# made once: entering a local context for every quotient cost a third of the conversion.
EXACT = Context(prec=60)


def to_decimal(value: Fraction) -> Decimal:
    """The fraction as a Decimal with enough digits that rounding it afterwards is exact."""
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


def money(value: Fraction) -> Decimal:
    """Dollars and cents, half-up: the one rounding of a bill line."""
    return quantize_money(to_decimal(value))


def hundredths(value: Fraction) -> Fraction:
    """Round a quantity half-up to 0.01 (a tier's size, a share of the consumption)."""
    rounded = to_decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return Fraction(rounded)


def service_days(start: datetime.date, end: datetime.date) -> int:
    """Days of service from start to end, both included (a bill from 7/1 to 7/30 is 30 days)."""
    return (end - start).days + 1


def overlap_days(
    start: datetime.date,
    end: datetime.date,
    range_from: datetime.date | None,
    range_to: datetime.date | None,
) -> int:
    """Days of [start, end] that fall in [range_from, range_to] (open ends allowed)."""
    first = max(start, range_from) if range_from else start
    last = min(end, range_to) if range_to else end
    return max(0, (last - first).days + 1)


def periods_factor(days: int, *, period_days: Fraction, whole_periods: list[dict]):
    """How many of the schedule's periods a bill of `days` days counts as, and whether it was prorated.

    A bill whose length falls in a `whole_periods` window counts as that many whole periods (a
    31-day month is one month); any other length is prorated by days (45 days on a 30-day month
    is 45/30 = 1.5 months).
    """
    for window in whole_periods:
        if window["min_days"] <= days <= window["max_days"]:
            return Fraction(window["periods"]), False
    return Fraction(days) / period_days, True


def split_pro_rata(total: Fraction, weights: list[int]) -> list[Fraction]:
    """Split `total` by the weights (days), each share to the hundredth; the last takes the rest.

    The shares always add up to the total exactly.
    """
    whole = sum(weights)
    shares = [hundredths(total * weight / whole) for weight in weights[:-1]]
    shares.append(total - sum(shares, Fraction(0)))
    return shares


def number_text(value) -> str:
    """A quantity as people write it: 12, 12.5, 13.8 (no trailing zeros, no exponent)."""
    decimal_value = to_decimal(exact(value)) if not isinstance(value, Decimal) else value
    decimal_value = decimal_value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = format(decimal_value.normalize(), "f")
    return text


def rate_text(rate: Decimal) -> str:
    """A price as the schedule states it, at least to the cent: $4.5960, $35.48, $1,569.61."""
    if rate.as_tuple().exponent > -2:
        rate = rate.quantize(HUNDREDTH)
    sign = "-" if rate < 0 else ""
    whole, _, decimals = format(abs(rate), "f").partition(".")
    return f"{sign}${int(whole):,}.{decimals}"
