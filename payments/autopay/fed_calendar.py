"""The Federal Reserve's banking days, on which ACH entries settle.

Not the district office's calendar (district/business_days.py). The Fed closes on weekends and
on its holidays; a holiday that falls on a Sunday closes the Monday after, but one that falls on
a Saturday is not moved: the Federal Reserve Banks are open the Friday before.
"""

import datetime
from functools import lru_cache

_ONE_DAY = datetime.timedelta(days=1)
_MONDAY, _THURSDAY, _SATURDAY, _SUNDAY = 0, 3, 5, 6


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> datetime.date:
    last = datetime.date(year, month + 1, 1) - _ONE_DAY
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


@lru_cache(maxsize=64)
def fed_holidays(year: int) -> dict[datetime.date, str]:
    """The days the Fed is closed for a holiday in `year` (observed dates), with their names."""
    fixed = {
        "New Year's Day": (1, 1),
        "Independence Day": (7, 4),
        "Veterans Day": (11, 11),
        "Christmas Day": (12, 25),
    }
    if year >= 2021:  # Juneteenth National Independence Day Act, June 2021
        fixed["Juneteenth"] = (6, 19)
    holidays = {}
    for name, (month, day) in fixed.items():
        date = datetime.date(year, month, day)
        if date.weekday() == _SUNDAY:
            holidays[date + _ONE_DAY] = f"{name} (observed)"
        elif date.weekday() != _SATURDAY:
            holidays[date] = name
    holidays[_nth_weekday(year, 1, _MONDAY, 3)] = "Martin Luther King Jr. Day"
    holidays[_nth_weekday(year, 2, _MONDAY, 3)] = "Presidents' Day"
    holidays[_last_weekday(year, 5, _MONDAY)] = "Memorial Day"
    holidays[_nth_weekday(year, 9, _MONDAY, 1)] = "Labor Day"
    holidays[_nth_weekday(year, 10, _MONDAY, 2)] = "Columbus Day"
    holidays[_nth_weekday(year, 11, _THURSDAY, 4)] = "Thanksgiving Day"
    return holidays


def closed_because(d: datetime.date) -> str:
    """Why the Fed is closed on `d` ("" on a banking day)."""
    if d.weekday() == _SATURDAY:
        return "a Saturday"
    if d.weekday() == _SUNDAY:
        return "a Sunday"
    return fed_holidays(d.year).get(d, "")


def is_banking_day(d: datetime.date) -> bool:
    return not closed_because(d)


def next_banking_day(d: datetime.date) -> datetime.date:
    """The first banking day after `d`."""
    d += _ONE_DAY
    while not is_banking_day(d):
        d += _ONE_DAY
    return d


def effective_entry_date(requested: datetime.date) -> datetime.date:
    """The date an entry requested for `requested` can settle: that day if the Fed is open,
    else the next banking day."""
    return requested if is_banking_day(requested) else next_banking_day(requested)
