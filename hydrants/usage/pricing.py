"""What a lent meter's water and rental cost (reads only: nothing here writes).

Water is priced by the rate engine, with the versions of the hydrant rate schedule (policy
"hydrant-rate-schedule") in force over the bill's days, customer class temporary and the
meter's size; the rental is the policy's monthly amount for the meter's size, a partial month
by its days (rental x days out / days in that month), rounded half-up to the cent once per line.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from accounts.models import ServiceAccount
from billing.rates.proration import money
from billing.rates.selectors import bill_calculation
from district.errors import ServiceError
from district.money import ZERO, format_money
from district.policies import policy_value
from hydrants.usage.reference_data import (
    DROUGHT_STAGE_KEY,
    MISSING_READ_KEY,
    RATE_SCHEDULE_KEY,
    rental_key,
)

TEMPORARY = ServiceAccount.CustomerClass.TEMPORARY


@dataclass(frozen=True)
class Charge:
    code: str  # water, rental, missing_read, damage, replacement
    description: str
    amount: Decimal

    def as_line(self) -> dict:
        return {"code": self.code, "description": self.description, "amount": str(self.amount)}


def month_first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_last(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before `day`'s."""
    return month_first(month_first(day) - datetime.timedelta(days=1))


def next_month(day: datetime.date) -> datetime.date:
    return month_first(month_last(day) + datetime.timedelta(days=1))


def drought_stage() -> int:
    """The district's drought stage now (0 when the policy is not set up)."""
    try:
        return int(policy_value(DROUGHT_STAGE_KEY))
    except LookupError:
        return 0


def water_charge(
    *,
    meter_size: str,
    unit: str,
    consumption: Decimal,
    period_start: datetime.date,
    period_end: datetime.date,
) -> Charge:
    """The hydrant water of a bill, priced by the rate engine (its lines summed, each already
    rounded to the cent by the engine)."""
    schedule = str(policy_value(RATE_SCHEDULE_KEY))
    calculation = bill_calculation(
        schedule=schedule,
        customer_class=TEMPORARY,
        meter_size=meter_size,
        consumption=consumption,
        consumption_unit=unit,
        period_start=period_start,
        period_end=period_end,
    )
    words = "; ".join(line.description for line in calculation.lines) or "no water used"
    return Charge(
        "water", f"Water {period_start:%m/%d}-{period_end:%m/%d/%Y}: {words}", calculation.total
    )


def monthly_rental(meter_size: str) -> Decimal:
    try:
        return policy_value(rental_key(meter_size))
    except LookupError:
        raise ServiceError(
            f'No monthly rental is set for a {meter_size}" hydrant meter: ask a supervisor to '
            f"add the policy “{rental_key(meter_size)}”."
        ) from None


def rental_charge(
    *, meter_size: str, period_start: datetime.date, period_end: datetime.date
) -> Charge:
    """The rental from period_start to period_end (both included): a whole month at the
    monthly amount, a part of one by its days."""
    monthly = monthly_rental(meter_size)
    months = Fraction(0)
    day = period_start
    while day <= period_end:
        last = min(month_last(day), period_end)
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        months += Fraction((last - day).days + 1, days_in_month)
        day = last + datetime.timedelta(days=1)
    amount = money(Fraction(monthly) * months)
    if months == int(months):
        how = f"{int(months)} month{'s' if months != 1 else ''} x {format_money(monthly)}"
    else:
        days = (period_end - period_start).days + 1
        how = f"{days} days, {float(months):.4f} of a month x {format_money(monthly)}"
    return Charge(
        "rental",
        f'Meter rental ({meter_size}") {period_start:%m/%d}-{period_end:%m/%d/%Y}: {how}',
        amount,
    )


def missing_read_charge(month: datetime.date) -> Charge:
    amount = policy_value(MISSING_READ_KEY)
    return Charge(
        "missing_read",
        f"No meter read reported for {month:%B %Y} (missing-read charge)",
        amount,
    )


def total_of(charges: list[Charge]) -> Decimal:
    return sum((charge.amount for charge in charges), ZERO)
