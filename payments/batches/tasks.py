"""The close of processors' settlement batches after their cut-off, as a thin Celery task (safe
to run any number of times: a closed batch is left as it is).

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "payments-settlement-close": {"task": "payments.settlement_batches_close", "schedule": hourly}
Hourly rather than at one time, so a cut-off changed in the policy needs no schedule change.
"""

from celery import shared_task

from district.attribution import audited_context
from district.services import nightly_user
from payments.batches.services.settlement import settlement_batches_close_due

CLOSE_TASK = "payments.settlement_batches_close"


@shared_task(name=CLOSE_TASK)
def settlement_batches_close() -> list[int]:
    """Close the processors' settlement batches whose cut-off has passed; the ids closed."""
    by = nightly_user()
    with audited_context(task=CLOSE_TASK, user=by.pk):
        return settlement_batches_close_due(by=by)
