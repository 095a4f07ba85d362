"""When an account's collection stops: an arrangement becomes active or a hold is recorded.

The areas that stop a collection (billing.arrangements, billing.collections) sit below the one
that acts on it (billing.shutoffs withdraws the shut-off order the crew has on its phone), so
the acting area registers here, in its registrations.py, and the stopping area calls
`collection_stopped`. The follow-up runs once the stopping transaction commits, each in its own
transaction: a failure is logged, never undoes the arrangement or the hold, and the order is
re-checked at the door and overnight anyway.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

from district.registries import Registry, callable_name

log = logging.getLogger(__name__)

FOLLOW_UPS = Registry(
    "collection stopped follow-ups", describe=lambda name, hook: f"{name}: {callable_name(hook)}"
)


def on_collection_stopped(name: str, follow_up: Callable) -> None:
    """Register `follow_up(account_ids, *, by)`, run after an arrangement or a hold commits."""
    FOLLOW_UPS.register(name, follow_up)


def collection_stopped(account_ids: Iterable[int], *, by) -> None:
    ids = sorted({int(pk) for pk in account_ids if pk})
    if ids:
        transaction.on_commit(lambda: _follow_up(ids, by=by))


def _follow_up(account_ids: list[int], *, by) -> None:
    for name, follow_up in FOLLOW_UPS.items():
        try:
            with transaction.atomic():
                follow_up(account_ids, by=by)
        except Exception:
            log.exception("Collection-stopped step %s failed for accounts %s", name, account_ids)
