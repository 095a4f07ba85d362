"""The vocabulary of the rate file: units, periods, defaults, classes and meter sizes."""

import re
from fractions import Fraction

from accounts.models import ServiceAccount
from field_ops.models import Meter

FORMAT_VERSION = 1
UNIT_LABELS = {"hcf": "HCF", "cf": "cu ft", "gal": "gal", "kgal": "kgal"}
PERIOD_MONTHS = {"month": 1, "two_months": 2}  # what a bill's period can be
# What a charge can be stated per (a charge per day is the rate times the bill's days).
STATED_MONTHS = {**PERIOD_MONTHS, "quarter": 3, "year": 12}
STATED_PER = (*STATED_MONTHS, "day")
DEFAULT_PERIOD_DAYS = {"month": "30", "two_months": "60"}
# Bills of these lengths count as whole periods (about +-10%), anything else is prorated by days.
DEFAULT_WHOLE_PERIODS = {
    "month": [
        {"periods": 1, "min_days": 27, "max_days": 33},
        {"periods": 2, "min_days": 54, "max_days": 66},
    ],
    "two_months": [{"periods": 1, "min_days": 54, "max_days": 66}],
}
BREAKPOINT_SCALES = ("period", "days", "none")
SEWER_CAPS = ("winter_average",)
MINIMUM_COVERS = ("service", "water", "surcharge", "sewer")
SURCHARGE_KINDS = ("flat", "per_unit", "percent")
PERCENT_OF = ("service", "water", "surcharge", "sewer")  # the line kinds a percent is taken of
CUSTOMER_CLASSES = tuple(ServiceAccount.CustomerClass.values)
METER_SIZES = tuple(Meter.Size.values)
MAX_PLACES = 6  # a rate may carry up to six decimals (RateField); amounts round to the cent
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


# Hundred cubic feet per unit: 1 HCF = 100 cubic feet = 748 gallons.
HCF_PER_UNIT = {
    "hcf": Fraction(1),
    "cf": Fraction(1, 100),
    "gal": Fraction(1, 748),
    "kgal": Fraction(1000, 748),
}
METER_LABELS = dict(Meter.Size.choices)
PER_WORDS = {
    "month": ("month", "months"),
    "two_months": ("two-month period", "two-month periods"),
    "quarter": ("quarter", "quarters"),
    "year": ("year", "years"),
}
