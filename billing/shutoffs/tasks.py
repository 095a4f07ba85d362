"""The night's re-check of open shut-off orders (thin; safe to run twice).

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "shutoffs-recheck": {"task": "shutoffs.recheck_open_orders", "schedule": crontab(hour=5)},
"""

from celery import shared_task

from billing.shutoffs.lists import shutoff_orders_recheck_all
from district.attribution import audited_context
from district.services import nightly_user

RECHECK_TASK = "shutoffs.recheck_open_orders"


@shared_task(name=RECHECK_TASK)
def recheck_open_orders() -> dict:
    """Cancel the open shut-off orders whose accounts no longer qualify, before crews start."""
    by = nightly_user()
    with audited_context(task=RECHECK_TASK, user=by.pk):
        cancelled = shutoff_orders_recheck_all(by=by)
    return {"cancelled": [order.pk for order in cancelled]}
