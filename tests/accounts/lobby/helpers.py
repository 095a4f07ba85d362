"""Tickets built directly, at chosen times, for the lobby's tests."""

import datetime

from django.utils import timezone

from accounts.lobby.services import skill_for
from accounts.models.lobby import LobbyTicket

DAY = datetime.date(2026, 3, 10)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def ticket(*, number: int, reason: str = "general", day=None, taken=None, **fields):
    day = day or timezone.localdate()
    return LobbyTicket.objects.create(
        day=day,
        number=number,
        reason=reason,
        skill=skill_for(reason),
        visitor_name=fields.pop("visitor_name", f"Visitor {number}"),
        taken_at=taken or timezone.now(),
        **fields,
    )
