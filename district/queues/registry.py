"""The queues registry and the reading of each queue's count and oldest item."""

import datetime
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from district.registries import Registry

logger = logging.getLogger(__name__)

# When a queue is its count and the date or time its oldest item has waited since.
Oldest = datetime.datetime | datetime.date | None


@dataclass(frozen=True)
class Queue:
    """A pile of work: `count_and_oldest` is the dotted path of a function () -> (count, oldest)
    that reads it in at most one query; `permission` is who works it (opens its page)."""

    key: str
    label: str
    url_name: str
    permission: str
    count_and_oldest: str
    url_query: str = ""  # e.g. "kind=write-off" for a filtered list
    order: int = 100


QUEUES = Registry(
    "supervisor_queues",
    describe=lambda key, queue: (
        f"{key} order={queue.order} url={queue.url_name} permission={queue.permission} "
        f"source={queue.count_and_oldest}"
    ),
    order=lambda key, queue: (queue.order, key),
)


def register(queue: Queue) -> None:
    QUEUES.register(queue.key, queue)


def count_and_oldest(queryset: QuerySet, oldest_field: str) -> tuple[int, Oldest]:
    """The count and the smallest `oldest_field` of a queryset in one aggregate query."""
    totals = queryset.order_by().aggregate(count=Count("pk"), oldest=Min(oldest_field))
    return totals["count"], totals["oldest"]


@dataclass(frozen=True)
class QueueState:
    """One queue as the page shows it (count and oldest are None when it is unavailable)."""

    queue: Queue
    count: int | None
    oldest: Oldest
    url: str  # "" when the viewer may not open the queue's page
    age_days: int | None

    @property
    def is_available(self) -> bool:
        return self.count is not None

    @property
    def has_items(self) -> bool:
        return bool(self.count)


def _age_days(oldest: Oldest, now: datetime.datetime) -> int | None:
    if oldest is None:
        return None
    if isinstance(oldest, datetime.datetime):
        oldest = timezone.localtime(oldest).date()
    return max((timezone.localtime(now).date() - oldest).days, 0)


def _read(queue: Queue) -> tuple[int, Oldest] | None:
    """The queue's (count, oldest), or None when its source is missing or fails."""
    try:
        source = import_string(queue.count_and_oldest)
        # A failing query must not spoil the request's transaction for the queues after it.
        if connection.in_atomic_block:
            with transaction.atomic():
                return source()
        return source()
    except Exception:  # a queue's source is another area's code: any failure is "unavailable"
        logger.exception("Queue %s: its source %s failed", queue.key, queue.count_and_oldest)
        return None


def _url(queue: Queue, user) -> str:
    if not user.has_perm(queue.permission):
        return ""
    url = reverse(queue.url_name)
    return f"{url}?{queue.url_query}" if queue.url_query else url


def queue_states(user, *, now: datetime.datetime | None = None) -> list[QueueState]:
    """Every registered queue with its count and age (one query each at most)."""
    now = now or timezone.now()
    states = []
    for queue in QUEUES.entries():
        result = _read(queue)
        count, oldest = result if result is not None else (None, None)
        states.append(
            QueueState(
                queue=queue,
                count=count,
                oldest=oldest,
                url=_url(queue, user),
                age_days=_age_days(oldest, now) if count else None,
            )
        )
    return states
