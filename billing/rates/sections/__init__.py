"""The charge sections of the rate file, one module each: conditions, fixed charges, tiers,
surcharges, sewer, and the minimum charge and late penalty (billing.rates.format reads the file
and calls these)."""

from billing.rates.sections.bill_level import late_penalty, minimum_charge
from billing.rates.sections.conditions import expand_sizes, when
from billing.rates.sections.fixed import charge_section
from billing.rates.sections.sewer import sewer
from billing.rates.sections.surcharges import surcharges
from billing.rates.sections.volumetric import volumetric

__all__ = [
    "charge_section",
    "expand_sizes",
    "late_penalty",
    "minimum_charge",
    "sewer",
    "surcharges",
    "volumetric",
    "when",
]
