"""Rate schedules: the file format, the engine that prices a bill, and its proration rules.

Pure code: nothing here touches the database. `billing.rates.services` loads versions,
`billing.rates.selectors` finds the version in force.
"""

from billing.rates.engine import (
    BillCalculation,
    BillLine,
    calculate,
    calculate_across_versions,
    late_penalty,
)
from billing.rates.format import parse_schedule, validate_schedule

__all__ = [
    "BillCalculation",
    "BillLine",
    "calculate",
    "calculate_across_versions",
    "late_penalty",
    "parse_schedule",
    "validate_schedule",
]
