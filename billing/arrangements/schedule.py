"""Splitting an arranged balance into installments (pure: no database)."""

import datetime
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta

from district.errors import ServiceError
from district.money import CENT, parse_money

EVERY = {
    "month": "Monthly",
    "2weeks": "Every two weeks",
    "week": "Weekly",
}
MAX_INSTALLMENTS = 60


def due_dates(first_due: datetime.date, count: int, every: str = "month") -> list[datetime.date]:
    """`count` dates from `first_due`. Monthly dates keep the first date's day, or the month's
    last day when it has fewer (Jan 31, Feb 28, Mar 31)."""
    if every == "month":
        return [first_due + relativedelta(months=n) for n in range(count)]
    if every == "2weeks":
        return [first_due + datetime.timedelta(weeks=2 * n) for n in range(count)]
    if every == "week":
        return [first_due + datetime.timedelta(weeks=n) for n in range(count)]
    raise ServiceError({"every": "Choose monthly, every two weeks or weekly."})


def arrangement_schedule(
    amount, count: int, first_due: datetime.date, every: str = "month"
) -> list[tuple[datetime.date, Decimal]]:
    """Split `amount` into `count` installments to the cent: equal amounts rounded down to the
    cent, the remainder on the last, so they always add up to `amount` exactly."""
    amount = parse_money(amount)
    if amount <= 0:
        raise ServiceError({"amount": "Enter an amount above $0.00."})
    if not isinstance(count, int) or count < 1 or count > MAX_INSTALLMENTS:
        raise ServiceError({"count": f"Choose 1 to {MAX_INSTALLMENTS} installments."})
    share = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    if share <= 0:
        raise ServiceError({"count": "Too many installments for this amount (each under a cent)."})
    amounts = [share] * (count - 1) + [amount - share * (count - 1)]
    return list(zip(due_dates(first_due, count, every), amounts, strict=True))


def term_months(start: datetime.date, last_due: datetime.date) -> int:
    """Whole months from the start to the last due date (Jan 10 to Jan 15 next year: 12), so
    twelve monthly installments starting next month are a 12-month term."""
    months = (last_due.year - start.year) * 12 + last_due.month - start.month
    if last_due.day < start.day:
        months -= 1
    return max(months, 0)
