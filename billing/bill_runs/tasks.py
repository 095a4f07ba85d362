"""Thin Celery tasks of the bill run pipeline: they take ids, and running one twice is harmless."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from billing.bill_runs import services
from billing.bill_runs.letters import high_use_letters_for_recent_runs
from district.attribution import audited_context
from district.celery import app

HIGH_USE_LETTERS_TASK = "billing.high_use_letters"


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
def bill_runs_high_use_letters(on_date: str | None = None) -> list[int]:
    """The high-use letters of the runs posted lately (safe to run twice)."""
    day = datetime.date.fromisoformat(on_date) if on_date else timezone.localdate()
    with audited_context(task=HIGH_USE_LETTERS_TASK):
        return [batch.pk for batch in high_use_letters_for_recent_runs(today=day)]
