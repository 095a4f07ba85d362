"""Rate schedules: the file format, the engine that prices a bill, and its proration rules.

Pure code: nothing here touches the database. `billing.rate_services` loads versions,
`billing.rate_selectors` finds the version in force.
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
