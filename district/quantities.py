"""Quantities as people read them: "2 months", "1 month", "30 days", "1 HCF", "12.5 HCF".

Units stored on bill lines are the rate schedule's words ("month", "two_months", "day", "year",
"HCF", "bill", "$"); counted units take a plural, measures (HCF, gal, cu ft) do not.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from district.money import format_money

# unit as stored -> (singular, plural), in the reader's language (Spanish plurals as English's)
UNIT_WORDS = {
    "day": (_("day"), _("days")),
    "days": (_("day"), _("days")),
    "month": (_("month"), _("months")),
    "months": (_("month"), _("months")),
    "two_months": (_("two-month period"), _("two-month periods")),
    "quarter": (_("quarter"), _("quarters")),
    "year": (_("year"), _("years")),
    "bill": (_("bill"), _("bills")),
    "unit": (_("unit"), _("units")),
    "tier": (_("tier"), _("tiers")),
}
MONEY_UNITS = ("$",)  # a percentage charge's base: a quantity of dollars


def number_text(value) -> str:
    """12, 12.5, 0.25: at most four decimals, no trailing zeros, never an exponent."""
    number = Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = format(number.normalize(), "f")
    whole, dot, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or 0):,}{dot}{decimals}"


def quantity_text(value, unit: str) -> str:
    """The quantity and its unit, singular for exactly one: "1 month", "2 months", "18 HCF"."""
    if value is None or value == "":
        return ""
    if unit in MONEY_UNITS:
        return format_money(value)
    text = number_text(value)
    words = UNIT_WORDS.get(unit)
    if words is None:
        return f"{text} {unit}".strip()
    return f"{text} {words[0] if Decimal(str(value)) == 1 else words[1]}"
