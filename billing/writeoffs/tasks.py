"""Thin Celery tasks of write-offs (safe to run twice).

The nightly recovery is a safety net behind the call made after each payment posts: a payment
path that does not call writeoffs_recover is caught up the next night.
"""

from celery import shared_task

from billing.writeoffs.models import WriteOff
from billing.writeoffs.services import writeoffs_recover
from district.attribution import audited_context
from district.services import nightly_user

RECOVER_TASK = "writeoffs.recover_posted"


@shared_task(name=RECOVER_TASK)
def recover_posted() -> list[int]:
    """Recover every posted write-off from the payments received since; returns the ids of
    the recoveries made."""
    by = nightly_user()
    account_ids = (
        WriteOff.objects.filter(status=WriteOff.Status.POSTED)
        .values_list("account_id", flat=True)
        .distinct()
    )
    with audited_context(task=RECOVER_TASK, user=by.pk):
        return [recovery.pk for recovery in writeoffs_recover(list(account_ids), by=by)]
