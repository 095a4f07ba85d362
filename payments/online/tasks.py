"""The re-check of online payments the processor has not answered, as a thin Celery task (safe
to run twice: a resolved payment is left as it is).

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "payments-online-recheck": {"task": "payments.online_recheck", "schedule": 15 minutes}
"""

from celery import shared_task

from district.attribution import audited_context
from district.services import nightly_user
from payments.online.services import online_payments_recheck

RECHECK_TASK = "payments.online_recheck"


@shared_task(name=RECHECK_TASK)
def online_recheck() -> dict:
    """Ask the processor again about unanswered online payments; the last re-check queues a
    still-unknown one for review."""
    by = nightly_user()
    with audited_context(task=RECHECK_TASK, user=by.pk):
        return online_payments_recheck(by=by)
