"""The district's business-day calendar: weekends, California's legal holidays, office closures.

The Water Shutoff Protection Act counts its notice in business days and forbids shutting water
off on a weekend, a legal holiday or while the office is closed (Health & Safety Code 116908).
So the calendar errs on the safe side: every legal holiday of Government Code 6700 counts, and
when one falls on a weekend both the Friday before (Saturday) or the Monday after (Sunday) are
treated as closed, since agencies observe one or the other. A day the office closes for any
other reason (a storm, a proclaimed holiday) is an OfficeClosure a supervisor records; one marked
`office_open` opens the office on a day the rules would close it.

Read a range once, then ask many questions of it:

    calendar = business_calendar(today, today + timedelta(days=60))
    calendar.is_business_day(day); calendar.add_business_days(day, 7)
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError

from district.errors import ServiceError

SATURDAY, SUNDAY = 5, 6


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The n-th given weekday of a month (n=-1: the last)."""
    if n > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


@cache
def legal_holidays(year: int) -> dict[datetime.date, str]:
    """California's legal holidays of a year (Government Code 6700), with weekend observance."""
    thanksgiving = _nth_weekday(year, 11, 3, 4)
    named = {
        datetime.date(year, 1, 1): "New Year's Day",
        _nth_weekday(year, 1, 0, 3): "Martin Luther King, Jr. Day",
        datetime.date(year, 2, 12): "Lincoln Day",
        _nth_weekday(year, 2, 0, 3): "Presidents' Day",
        datetime.date(year, 3, 31): "César Chávez Day",
        _nth_weekday(year, 5, 0, -1): "Memorial Day",
        datetime.date(year, 6, 19): "Juneteenth",
        datetime.date(year, 7, 4): "Independence Day",
        _nth_weekday(year, 9, 0, 1): "Labor Day",
        datetime.date(year, 9, 9): "Admission Day",
        _nth_weekday(year, 9, 4, 4): "Native American Day",
        _nth_weekday(year, 10, 0, 2): "Columbus Day",
        datetime.date(year, 11, 11): "Veterans Day",
        thanksgiving: "Thanksgiving Day",
        thanksgiving + datetime.timedelta(days=1): "Day after Thanksgiving",
        datetime.date(year, 12, 25): "Christmas Day",
    }
    observed = {}
    for day, name in named.items():
        if day.weekday() == SATURDAY:
            observed[day - datetime.timedelta(days=1)] = f"{name} (observed)"
        elif day.weekday() == SUNDAY:
            observed[day + datetime.timedelta(days=1)] = f"{name} (observed)"
    # A named holiday on a day another observes keeps its own name.
    return {**observed, **named}


@dataclass
class BusinessCalendar:
    """Business days between two dates, read from the rules and the office closures once."""

    start: datetime.date
    end: datetime.date
    closures: dict[datetime.date, str] = field(default_factory=dict)
    openings: set[datetime.date] = field(default_factory=set)

    def _check(self, day: datetime.date) -> None:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the calendar read ({self.start} to {self.end}).")

    def closed_because(self, day: datetime.date) -> str:
        """Why the office is closed on a day ("" when it is a business day)."""
        self._check(day)
        if day in self.openings:
            return ""
        if day in self.closures:
            return self.closures[day]
        holiday = legal_holidays(day.year).get(day)
        if holiday:
            return holiday
        if day.weekday() == SATURDAY:
            return "Saturday"
        if day.weekday() == SUNDAY:
            return "Sunday"
        return ""

    def is_business_day(self, day: datetime.date) -> bool:
        return not self.closed_because(day)

    def add_business_days(self, day: datetime.date, count: int) -> datetime.date:
        """The count-th business day after `day` (count 0: `day` itself or the next business day)."""
        current = day
        if count == 0:
            while not self.is_business_day(current):
                current += datetime.timedelta(days=1)
            return current
        remaining = count
        while remaining:
            current += datetime.timedelta(days=1)
            if self.is_business_day(current):
                remaining -= 1
        return current

    def business_days_between(self, earlier: datetime.date, later: datetime.date) -> int:
        """How many business days fall after `earlier` up to and including `later`."""
        if later <= earlier:
            return 0
        day, count = earlier, 0
        while day < later:
            day += datetime.timedelta(days=1)
            count += self.is_business_day(day)
        return count


# Enough room for a shut-off 60 days out plus its notice; callers asking further read wider.
DEFAULT_SPAN_DAYS = 120


def business_calendar(start: datetime.date, end: datetime.date | None = None) -> BusinessCalendar:
    """The calendar from `start` to `end` (default: DEFAULT_SPAN_DAYS on), in one query."""
    from district.models import OfficeClosure

    end = end or start + datetime.timedelta(days=DEFAULT_SPAN_DAYS)
    closures, openings = {}, set()
    for closure in OfficeClosure.objects.filter(date__range=(start, end)).only(
        "date", "reason", "office_open"
    ):
        if closure.office_open:
            openings.add(closure.date)
        else:
            closures[closure.date] = closure.reason
    return BusinessCalendar(start=start, end=end, closures=closures, openings=openings)


def is_business_day(day: datetime.date) -> bool:
    return business_calendar(day, day).is_business_day(day)


def add_business_days(day: datetime.date, count: int) -> datetime.date:
    # Two weeks of calendar for every five business days, plus a month of holidays.
    span = datetime.timedelta(days=(count // 5 + 1) * 7 + 31)
    return business_calendar(day, day + span).add_business_days(day, count)


def business_days_between(earlier: datetime.date, later: datetime.date) -> int:
    return business_calendar(earlier, max(earlier, later)).business_days_between(earlier, later)


# -- office hours


def _clock(key: str) -> datetime.time:
    from district.policies import policy_value

    text = str(policy_value(key))
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        raise ServiceError(f"Policy “{key}” should be a time like 08:00, not “{text}”.") from None


def office_hours() -> tuple[datetime.time, datetime.time]:
    """When the office opens and closes on a business day (policies office-opens/-closes)."""
    return _clock("office-opens"), _clock("office-closes")


def office_is_open(moment: datetime.datetime) -> bool:
    """Whether the business office is open to the public at a local date and time."""
    from django.utils import timezone

    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    opens, closes = office_hours()
    return is_business_day(local.date()) and opens <= local.time() < closes


# -- closures, recorded by a supervisor


def office_closure_record(*, date: datetime.date, reason: str, by, office_open: bool = False):
    """Record a day the office is closed (or, with office_open, open on a holiday)."""
    from district.errors import require
    from district.models import OfficeClosure
    from district.roles import Perm

    require(by, Perm.MANAGE_POLICIES, doing="change the office calendar")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the office is closed (or open) that day."})
    closure = OfficeClosure(date=date, reason=reason, office_open=office_open, created_by=by)
    try:
        closure.full_clean()
    except ValidationError as error:
        raise ServiceError(error.message_dict) from None
    closure.save()
    return closure


def office_closure_remove(*, closure, by) -> None:
    """Take a recorded closure (or opening) off the calendar; its history keeps the record."""
    from district.errors import require
    from district.roles import Perm

    require(by, Perm.MANAGE_POLICIES, doing="change the office calendar")
    closure.delete()


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    reason: str
    recorded: object = None  # the OfficeClosure, when a supervisor recorded the day

    @property
    def is_opening(self) -> bool:
        return bool(self.recorded and self.recorded.office_open)


def days_off(start: datetime.date, end: datetime.date) -> list[CalendarDay]:
    """Weekday closures between two dates (holidays and recorded closures) and recorded
    openings, in date order: what the office calendar page lists."""
    from district.models import OfficeClosure

    recorded = {c.date: c for c in OfficeClosure.objects.filter(date__range=(start, end))}
    days = {}
    for year in range(start.year, end.year + 1):
        for day, name in legal_holidays(year).items():
            if start <= day <= end and day.weekday() < SATURDAY:
                days[day] = CalendarDay(day, name)
    for day, closure in recorded.items():
        days[day] = CalendarDay(day, closure.reason, closure)
    return [days[day] for day in sorted(days)]
