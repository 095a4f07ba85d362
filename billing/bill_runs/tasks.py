"""Thin Celery tasks of the bill run pipeline: they take ids, and running one twice is harmless."""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from billing.bill_runs import services
from billing.bill_runs.letters import high_use_letters
from billing.bill_runs.services.runs import HIGH_USE_LETTERS_TASK
from district.attribution import audited_context
from district.celery import app

log = logging.getLogger(__name__)


@app.task(name=services.CALCULATE_TASK)
def bill_run_calculate(run_id: int) -> None:
    with audited_context(bill_run=run_id):
        services.bill_run_calculate(run_id=run_id)


@app.task(name=services.CALCULATE_CHUNK_TASK, acks_late=True)
def bill_run_calculate_chunk(run_id: int, account_ids: list[int]) -> int:
    """Bill one chunk, then move the run to audit if it was the last one outstanding."""
    with audited_context(bill_run=run_id):
        made = services.bill_run_calculate_chunk(run_id=run_id, account_ids=account_ids)
        services.bill_run_calculation_check(run_id=run_id)
    return made


@app.task(name=services.POST_TASK, acks_late=True)
def bill_run_post_bills(run_id: int, by_id: int | None) -> None:
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    with audited_context(bill_run=run_id, user=by_id):
        services.bill_run_post_bills(run_id=run_id, by=by)


@app.task(name=HIGH_USE_LETTERS_TASK)
def bill_run_high_use_letters(run_id: int, by_id: int | None) -> int | None:
    """The posted run's high-use letters in one print batch; safe to run twice."""
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    with audited_context(bill_run=run_id, user=by_id):
        try:
            batch = high_use_letters(run_id=run_id, by=by)
        except ValidationError as refusal:
            # The run stays posted; the letters wait for someone allowed to send them.
            log.warning("Bill run %s: no high-use letters: %s", run_id, " ".join(refusal.messages))
            return None
    return batch.pk if batch else None
