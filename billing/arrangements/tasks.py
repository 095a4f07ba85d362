"""Thin Celery task of payment arrangements (safe to run twice a day).

Beat entry wanted in CELERY_BEAT_SCHEDULE (district/settings.py):
    "arrangements-check-standing": {
        "task": "arrangements.check_standing", "schedule": crontab(hour=2, minute=45)
    },
"""

import datetime

from celery import shared_task
from django.utils import timezone

from billing.arrangements import services
from district.attribution import audited_context
from district.services import nightly_user

CHECK_STANDING_TASK = "arrangements.check_standing"


@shared_task(name=CHECK_STANDING_TASK)
def check_standing(on_date: str | None = None) -> dict[str, list[int]]:
    """Warn, default and complete arrangements as of a day (today unless given, ISO)."""
    day = datetime.date.fromisoformat(on_date) if on_date else timezone.localdate()
    by = nightly_user()
    with audited_context(task=CHECK_STANDING_TASK, user=by.pk):
        return services.arrangement_check_standing(by=by, on=day)
