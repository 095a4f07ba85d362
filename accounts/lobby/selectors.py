"""Reads of the lobby queue: who is waiting, the public screen, the home panel, the day's stats.

Each is a fixed number of queries; the stats are computed in PostgreSQL (percentile_cont).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Aggregate, Avg, Count, F, FloatField, Func, Min, Q
from django.utils import timezone

from accounts.models.lobby import TICKET_REASONS, LobbyTicket

Status = LobbyTicket.Status
SCREEN_CALLED = 6  # the latest calls the lobby screen shows beside the line
REASON_LABELS = dict(TICKET_REASONS)


def today_tickets(day: datetime.date | None = None):
    return LobbyTicket.objects.filter(day=day or timezone.localdate())


def waiting(day: datetime.date | None = None) -> list[LobbyTicket]:
    """Today's line, first come first: for staff (names and accounts loaded)."""
    return list(
        today_tickets(day)
        .filter(status=Status.WAITING)
        .select_related("account__customer")
        .order_by("taken_at", "number")
    )


def with_csr(user, day: datetime.date | None = None) -> list[LobbyTicket]:
    """The tickets this CSR has called and not yet closed."""
    return list(
        today_tickets(day)
        .filter(status__in=LobbyTicket.WITH_A_CSR, called_by=user)
        .select_related("account__customer")
        .order_by("called_at")
    )


def ticket_for_page(ticket_id: int) -> LobbyTicket:
    return (
        LobbyTicket.objects.select_related("account__customer", "called_by", "contact")
        .filter(pk=ticket_id)
        .first()
    )


@dataclass(frozen=True)
class ScreenLine:
    """What the public lobby screen may show of a ticket: no name, no account."""

    label: str
    reason: str
    minutes: int  # waiting so far, or waited before being called
    desk: str = ""


def _minutes(since, until) -> int:
    return max(0, int((until - since).total_seconds() // 60))


def screen(day: datetime.date | None = None, *, now=None) -> dict:
    """The lobby display: the line with its waits, and the latest calls with their windows.

    Only the ticket's number, reason and window leave this function (the screen faces the
    public); one query.
    """
    now = now or timezone.now()
    rows = list(
        today_tickets(day)
        .filter(status__in=(Status.WAITING, Status.CALLED))
        .values_list("number", "reason", "status", "taken_at", "called_at", "desk")
        .order_by("taken_at", "number")
    )
    line, called = [], []
    for number, reason, status, taken_at, called_at, desk in rows:
        label = f"A{number:03d}"
        if status == Status.WAITING:
            line.append(ScreenLine(label, REASON_LABELS[reason], _minutes(taken_at, now)))
        else:
            called.append((called_at, ScreenLine(label, REASON_LABELS[reason], 0, desk=desk)))
    called.sort(key=lambda pair: pair[0], reverse=True)
    return {"line": line, "called": [entry for _when, entry in called[:SCREEN_CALLED]]}


def lobby_now(day: datetime.date | None = None, *, now=None) -> dict:
    """How many wait and since when the longest has: one query."""
    now = now or timezone.now()
    summary = (
        today_tickets(day)
        .filter(status=Status.WAITING)
        .aggregate(count=Count("id"), oldest=Min("taken_at"))
    )
    oldest = summary["oldest"]
    return {
        "waiting_count": summary["count"],
        "longest_minutes": _minutes(oldest, now) if oldest else None,
    }


# -- wait and service times


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochSeconds(Func):
    """The seconds of an interval (timestamp - timestamp)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


WAIT = EpochSeconds(F("called_at") - F("taken_at"))
SERVICE = EpochSeconds(F("served_at") - F("called_at"))
CALLED = Q(called_at__isnull=False)
SERVED = Q(status=Status.DONE)


@dataclass(frozen=True)
class ReasonStats:
    reason: str  # the label ("Pay a bill"), or "All reasons" for the total
    tickets: int
    called: int
    no_shows: int
    average_wait_minutes: float | None
    p90_wait_minutes: float | None
    average_service_minutes: float | None


def _minutes_or_none(seconds) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


STAT_AGGREGATES = {
    "tickets": Count("id"),
    "called": Count("id", filter=CALLED),
    "no_shows": Count("id", filter=Q(status=Status.LEFT)),
    "average_wait": Avg(WAIT, filter=CALLED),
    "p90_wait": PercentileCont(WAIT, 0.9, filter=CALLED),
    "average_service": Avg(SERVICE, filter=SERVED),
}


def _stats(label: str, row: dict) -> ReasonStats:
    return ReasonStats(
        reason=label,
        tickets=row["tickets"],
        called=row["called"],
        no_shows=row["no_shows"],
        average_wait_minutes=_minutes_or_none(row["average_wait"]),
        p90_wait_minutes=_minutes_or_none(row["p90_wait"]),
        average_service_minutes=_minutes_or_none(row["average_service"]),
    )


def wait_stats(first: datetime.date, last: datetime.date) -> dict:
    """Count, average and 90th percentile wait, average service, per reason and in all.

    The wait runs from taking the ticket to being called (tickets never called have none);
    service runs from the call to the end of the visit (served tickets only). Two queries.
    """
    tickets = LobbyTicket.objects.filter(day__range=(first, last))
    rows = tickets.values("reason").annotate(**STAT_AGGREGATES).order_by("reason")
    by_reason = [_stats(REASON_LABELS[row["reason"]], row) for row in rows]
    by_reason.sort(key=lambda stats: (-stats.tickets, stats.reason))
    total = _stats("All reasons", tickets.aggregate(**STAT_AGGREGATES))
    return {"by_reason": by_reason, "total": total}
