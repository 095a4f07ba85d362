"""Nightly deposit work. Thin: the service does it all and is safe to run twice.

Scheduled by CELERY_BEAT_SCHEDULE (district/settings.py):
    "deposit-refunds-propose": {
        "task": "accounts.deposits.propose_refunds",
        "schedule": crontab(hour=2, minute=30),
    }
    "deposit-interest-yearly": {
        "task": "accounts.deposits.credit_interest",
        "schedule": crontab(hour=2, minute=15),
    }
    "deposit-refund-letters": {
        "task": "accounts.deposits.refund_letters",
        "schedule": crontab(hour=5, minute=35),
    }
"""

import datetime
from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from accounts.deposits.letters import deposit_refund_letters
from accounts.deposits.services import deposit_interest_credit_yearly, deposit_refunds_propose
from district.attribution import audited_context
from district.services import nightly_user

REFUND_LETTERS_TASK = "accounts.deposits.refund_letters"


@shared_task(name="accounts.deposits.propose_refunds")
def deposit_refunds_propose_task(today: str | None = None) -> list[dict]:
    """Propose refunds of deposits held long enough (today's date unless one is given, ISO)."""
    on_date = datetime.date.fromisoformat(today) if today else timezone.localdate()
    proposals = deposit_refunds_propose(today=on_date)
    return [{**asdict(proposal), "amount": str(proposal.amount)} for proposal in proposals]


@shared_task(name="accounts.deposits.credit_interest")
def deposit_interest_credit_yearly_task(today: str | None = None) -> list[int]:
    """Credit deposit interest on its anniversaries, where the policy says yearly."""
    on_date = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return deposit_interest_credit_yearly(today=on_date)


@shared_task(name=REFUND_LETTERS_TASK)
def deposit_refund_letters_task(today: str | None = None) -> int | None:
    """The letters of the deposits returned since the last batch (safe to run twice): the
    print batch's id, or None when no deposit was returned."""
    on_date = datetime.date.fromisoformat(today) if today else timezone.localdate()
    by = nightly_user()
    with audited_context(task=REFUND_LETTERS_TASK, user=by.pk):
        batch = deposit_refund_letters(today=on_date, by=by)
    return batch.pk if batch else None
