"""The nightly collection ladder (thin; safe to run twice: each step is taken once).

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "collections-ladder": {"task": "collections.run_ladder", "schedule": crontab(hour=2, minute=20)},
"""

import datetime

from celery import shared_task
from django.utils import timezone

from billing.collections.run import collections_run
from district.attribution import audited_context
from district.services import nightly_user

RUN_LADDER_TASK = "collections.run_ladder"


@shared_task(name=RUN_LADDER_TASK)
def run_ladder(on_date: str | None = None) -> dict:
    """Take the collection steps due (today unless a date is given, ISO)."""
    day = datetime.date.fromisoformat(on_date) if on_date else timezone.localdate()
    by = nightly_user()
    with audited_context(task=RUN_LADDER_TASK, user=by.pk):
        result = collections_run(day, by=by)
    return {
        "on": day.isoformat(),
        "delinquent": result.delinquent,
        "taken": len(result.taken),
        "held": len(result.held),
        "refused": len(result.refused),
    }
