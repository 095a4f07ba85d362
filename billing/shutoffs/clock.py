"""The time the area acts at (one place, so tests can set the day and the hour)."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localtime(now()).date()
