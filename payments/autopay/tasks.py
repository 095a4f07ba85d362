"""The nightly autopay run as a thin Celery task (safe to run twice: nothing is drafted twice).

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "payments-autopay-draft": {
        "task": "payments.autopay_draft", "schedule": crontab(hour=4, minute=30)
    },
"""

import datetime

from celery import shared_task
from django.utils import timezone

from district.attribution import audited_context
from district.services import nightly_user
from payments.autopay.drafting import autopay_nightly

DRAFT_TASK = "payments.autopay_draft"


@shared_task(name=DRAFT_TASK)
def autopay_draft(on_date: str | None = None) -> dict:
    """Activate matured prenotes, send new prenotes and reminders, and draft tonight's bills."""
    today = datetime.date.fromisoformat(on_date) if on_date else timezone.localdate()
    by = nightly_user()
    with audited_context(task=DRAFT_TASK, user=by.pk):
        return autopay_nightly(today=today, by=by)
