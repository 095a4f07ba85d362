"""The nightly job of hydrant meter usage (thin: the work is billing.hydrant_bills_run).

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "hydrants-bill-month": {"task": "hydrants.bill_month", "schedule": crontab(hour=1, minute=45)},
"""

import datetime

from celery import shared_task
from django.utils import timezone

from district.attribution import audited_context
from district.services import nightly_user
from hydrants.usage.billing import hydrant_bills_run

BILL_MONTH_TASK = "hydrants.bill_month"


@shared_task(name=BILL_MONTH_TASK, acks_late=True)
def hydrant_bill_month(today: str | None = None) -> dict:
    """Bill the months over of every meter out, and make the idle meters' pull orders; safe to
    run twice (one bill per meter and month, one pull order per meter)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    by = nightly_user()
    with audited_context(user=by.pk, task=BILL_MONTH_TASK):
        night = hydrant_bills_run(today=day, by=by)
    return {
        "bills": night.bills,
        "missing_reads": night.missing_reads,
        "pull_orders": night.pull_orders,
        "errors": night.errors,
    }
