"""Unattended bill runs: a scheduled period's run starts by itself on its bill date.

The nightly task (`billing.start_scheduled_runs`, CELERY_BEAT_SCHEDULE) starts the run of
every period marked scheduled whose bill date has come and that has no run yet. It calculates
only: the run stops at the audit, as every run does, for a person to work the exceptions and
post it. The supervisor's home shows the runs waiting there (billing.bill_runs.scheduled_panel).

Who started it: the run's `created_by` is the nightly jobs user (district.services.nightly_user,
which cannot sign in), so the run list and the history say the schedule started it; the
period keeps who scheduled it. The person who scheduled the period held RUN_BILLING; the
nightly user holds no role, so the start does not go through `bill_run_create`'s permission
check but makes the same checks of the period itself.

Two beats at once start one run: each period is started in its own transaction on its locked
row (FOR UPDATE SKIP LOCKED: a period being started by the other beat is left to it), the
"no run yet" condition is read again under the lock, and the one-live-run-per-period
constraint stands behind both. A period that cannot start (its cycle inactive, no rate schedule
in force, an earlier run of the cycle still open) keeps why in `auto_start_problem`: the home
panel shows it, and the beat does not try it again until the period is scheduled anew. One
period's problem never stops the others, and the beat itself does not raise.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from billing.bill_runs import calculation
from billing.bill_runs.services import CALCULATE_TASK
from billing.models import BillingPeriod, BillRun
from district.attribution import acting_user
from district.celery import app as celery_app
from district.services import nightly_user

logger = logging.getLogger(__name__)
Status = BillRun.Status
# A run in one of these is not finished: the next period of its cycle waits for it.
UNFINISHED = (Status.CREATED, Status.CALCULATING, Status.AUDIT, Status.POSTING, Status.FAILED)


@dataclass(frozen=True)
class ScheduledStart:
    """What the beat did with one due period: started `run`, or could not (`problem`)."""

    period: BillingPeriod
    run: BillRun | None = None
    problem: str = ""


def due_periods(on_date: datetime.date) -> QuerySet:
    """Scheduled periods whose bill date is `on_date` or earlier, with no run at all (a failed
    run waits for a person too) and no problem noted by an earlier try."""
    return BillingPeriod.objects.filter(
        status=BillingPeriod.Status.SCHEDULED, bill_date__lte=on_date, auto_start_problem=""
    ).exclude(Exists(BillRun.objects.filter(period=OuterRef("pk"))))


def scheduled_runs_start(*, on_date: datetime.date | None = None) -> list[ScheduledStart]:
    """Start the runs of the periods due on `on_date` (today by default); returns what was
    done with each. Safe to call again, or twice at once: a period gets one run."""
    on_date = on_date or timezone.localdate()
    starter = nightly_user()
    done = []
    for period_id in list(
        due_periods(on_date).order_by("bill_date", "pk").values_list("pk", flat=True)
    ):
        outcome = _start_one(period_id, on_date=on_date, starter=starter)
        if outcome is not None:
            done.append(outcome)
    return done


def _start_one(period_id: int, *, on_date: datetime.date, starter) -> ScheduledStart | None:
    """Start one period's run (None when another beat has it or has just started it)."""
    try:
        with transaction.atomic(), acting_user(starter):
            period = (
                due_periods(on_date)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("cycle")
                .filter(pk=period_id)
                .first()
            )
            if period is None:
                return None
            problem = start_problem(period)
            if problem:
                _note_problem(period, problem)
                return ScheduledStart(period, problem=problem)
            run = BillRun.objects.create(period=period, created_by=starter)
            # robust: were the broker down, the run waits as a stalled calculation that a person
            # resumes from its page (billing.bill_runs.recovery); the beat goes on.
            transaction.on_commit(
                lambda: celery_app.signature(CALCULATE_TASK, args=(run.pk,)).delay(), robust=True
            )
    except IntegrityError:
        # The constraint caught a run started at the same moment: the period has its run.
        return None
    except Exception as error:  # noqa: BLE001 - one period's failure must not stop the beat
        logger.exception("The scheduled run of period %s did not start", period_id)
        return _note_failure(period_id, error)
    logger.info("Scheduled bill run %s started for period %s (%s)", run.pk, period.pk, period)
    return ScheduledStart(period, run=run)


def start_problem(period: BillingPeriod) -> str:
    """Why the period's run should not start unattended, or "" when nothing stands in the way."""
    cycle = period.cycle
    if not cycle.is_active:
        return f"Cycle {cycle.code} is inactive: its run was not started."
    if calculation.load_rates(period.period_start, period.period_end).first_code is None:
        return (
            f"No rate schedule is in force for {period.period_start:%m/%d/%Y} to "
            f"{period.period_end:%m/%d/%Y}: load the rates, then start the run by hand."
        )
    earlier = (
        BillRun.objects.filter(period__cycle=cycle, status__in=UNFINISHED)
        .exclude(Q(status=Status.FAILED) & Q(period__status=BillingPeriod.Status.BILLED))
        .exclude(period=period)
        .select_related("period")
        .order_by("period__period_start")
        .first()
    )
    if earlier is not None:
        return (
            f"Bill run {earlier.pk} of cycle {cycle.code} ({earlier.period.period_start:%m/%d/%Y}"
            f" to {earlier.period.period_end:%m/%d/%Y}) is {earlier.get_status_display().lower()}:"
            " finish it, then start this run by hand."
        )
    return ""


def _note_problem(period: BillingPeriod, problem: str) -> None:
    period.auto_start_problem = problem[:255]
    period.save(update_fields=["auto_start_problem"])
    logger.warning(
        "Scheduled bill run of period %s (%s) not started: %s", period.pk, period, problem
    )


def _note_failure(period_id: int, error: Exception) -> ScheduledStart | None:
    """Note an unexpected failure on the period (so it is shown, not retried every night)."""
    problem = f"The run could not start ({type(error).__name__}): start it by hand."
    try:
        BillingPeriod.objects.filter(pk=period_id, auto_start_problem="").update(
            auto_start_problem=problem
        )
        period = BillingPeriod.objects.select_related("cycle").get(pk=period_id)
    except DatabaseError:
        logger.exception("Could not note the problem on period %s", period_id)
        return None
    return ScheduledStart(period, problem=problem)
