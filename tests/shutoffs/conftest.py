import datetime

import pytest
from django.utils import timezone

from billing.shutoffs import clock


@pytest.fixture
def at(monkeypatch):
    """at(day, hour=10, minute=0): the shut-off area acts at that local time."""

    def set_time(day: datetime.date, hour: int = 10, minute: int = 0):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return set_time
