"""The nightly sampling of CSR I work (safe to run twice: an item is filed once per record)."""

import datetime

from celery import shared_task
from django.utils import timezone

from district.attribution import audited_context
from district.review.services import csr1_work_sample
from district.services import nightly_user

SAMPLE_TASK = "district.sample_csr1_work"


@shared_task(name=SAMPLE_TASK)
def sample_csr1_work(day: str | None = None) -> list[int]:
    """File the previous day's (or `day`, YYYY-MM-DD) sampled CSR I work; returns the new ids."""
    on = (
        datetime.date.fromisoformat(day)
        if day
        else timezone.localdate() - datetime.timedelta(days=1)
    )
    by = nightly_user()
    with audited_context(task=SAMPLE_TASK, user=by.pk):
        return [item.pk for item in csr1_work_sample(day=on, by=by)]
