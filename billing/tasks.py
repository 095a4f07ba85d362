"""Thin Celery tasks of the issue stage, final bills and late penalties (safe to run twice).

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "billing-final-bills": {"task": "billing.final_bills_run", "schedule": crontab(hour=1, minute=30)},
    "billing-late-penalties": {
        "task": "billing.late_penalties_assess", "schedule": crontab(hour=2, minute=0)
    },
    "billing-scheduled-runs": {
        "task": "billing.start_scheduled_runs", "schedule": crontab(hour=3, minute=0)
    },
"""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from billing import final_bills
from billing.bill_runs import issue, scheduled
from billing.penalties import services as penalties
from district.attribution import audited_context
from district.services import nightly_user

ISSUE_TASK = "billing.bill_run_issue"
START_SCHEDULED_RUNS_TASK = "billing.start_scheduled_runs"


def _day(text: str | None) -> datetime.date:
    return datetime.date.fromisoformat(text) if text else timezone.localdate()


@shared_task(name=ISSUE_TASK, acks_late=True)
def bill_run_issue(run_id: int, by_id: int) -> str:
    """Write the run's print data file and email its paperless customers; returns the status."""
    by = get_user_model().objects.get(pk=by_id)
    with audited_context(bill_run=run_id, user=by_id, task=ISSUE_TASK):
        return issue.bill_run_issue(run_id=run_id, by=by).status


@shared_task(name="billing.final_bills_run")
def final_bills_run(on_date: str | None = None) -> list[int]:
    """Final-bill the accounts waiting for one (today unless a date is given, ISO), then issue
    the bills posted outside runs: the day's print data file and the paperless emails."""
    by = nightly_user()
    day = _day(on_date)
    with audited_context(task="billing.final_bills_run", user=by.pk):
        bills = [bill.pk for bill in final_bills.final_bills_run(by=by, on_date=day)]
        issue.outside_run_bills_issue(on_date=day, by=by)
    return bills


@shared_task(name="billing.late_penalties_assess")
def late_penalties_assess(today: str | None = None) -> list[dict]:
    """Post the late penalties due (today unless a date is given, ISO)."""
    with audited_context(task="billing.late_penalties_assess"):
        return [
            {"bill_id": p.bill_id, "amount": str(p.amount), "journal_id": p.journal_id}
            for p in penalties.late_penalties_assess(today=_day(today))
        ]


@shared_task(name=START_SCHEDULED_RUNS_TASK)
def start_scheduled_runs(on_date: str | None = None) -> list[dict]:
    """Start the bill runs of the scheduled periods whose bill date has come (today unless a
    date is given, ISO); each stops at the audit. Returns what was done with each period."""
    by = nightly_user()
    with audited_context(task=START_SCHEDULED_RUNS_TASK, user=by.pk):
        return [
            {
                "period_id": start.period.pk,
                "run_id": start.run.pk if start.run else None,
                "problem": start.problem,
            }
            for start in scheduled.scheduled_runs_start(on_date=_day(on_date))
        ]
