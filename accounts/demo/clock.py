"""A simulated clock for replaying the demo district's history through the real services.

The services stamp their work with `timezone.now()`/`timezone.localdate()` (drawer business
dates, batch dates, journal effective dates, case and work-order times). To give the demo two
years of history that reads as if it happened day by day, the history is replayed with the
clock set to each day in turn: every service runs unchanged and dates its work that day.

Only Django's clock is moved (`django.utils.timezone.now`, which `localdate()` and
`auto_now`/`auto_now_add` fields call, and model fields whose default is it); the database's
own clock, and so the audit trail's timestamps, stay real: the history says when it was loaded.
"""

import contextlib
import datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.utils import timezone

_real_now = timezone.now


class SimulatedClock:
    """`with SimulatedClock() as clock: clock.set(day)`: services see `day` as today."""

    def __init__(self, hour: int = 10):
        self.hour = hour
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self._now = _real_now()
        self._fields = []

    def set(self, day: datetime.date, *, hour: int | None = None, minute: int = 0) -> None:
        local = datetime.datetime.combine(
            day, datetime.time(self.hour if hour is None else hour, minute), self.zone
        )
        self._now = local.astimezone(datetime.UTC)

    def now(self) -> datetime.datetime:
        return self._now

    def __enter__(self):
        timezone.now = self.now
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.default is _real_now:
                    field.default = self.now
                    field.__dict__.pop("_get_default", None)  # a cached_property of the default
                    self._fields.append(field)
        return self

    def __exit__(self, *exc):
        timezone.now = _real_now
        for field in self._fields:
            field.default = _real_now
            field.__dict__.pop("_get_default", None)
        self._fields = []
        return False


@contextlib.contextmanager
def simulated_clock():
    with SimulatedClock() as clock:
        yield clock
