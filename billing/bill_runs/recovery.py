"""Getting a bill run going again from its page, without a shell.

A stage's worker can die (a deploy, an out-of-memory kill, a lost broker message): the run then
shows "Calculating 12/150" (or posting, or issuing) for ever, and no new run of the period can
start. A stage is *stalled* when it has not moved for the `bill-run-stall-minutes` policy's time
(BillRun.progress_at is set as a stage starts and after each chunk; issue_requested_at when the
issue was asked for). Someone with RUN_BILLING (a CSR II or a supervisor) may then resume it:
the service locks the run row, checks again that it is stalled, marks it moving and queues the
stage's task after the commit. A second resume waiting on the lock finds it moving and is told
so; and were two copies of a stage's task to run anyway, each is idempotent (a chunk skips the
accounts already billed, the bill constraint refuses a second live bill, posting numbers and
journals each bill once, issuing an issued run does nothing).

Recalculating a run in audit (after reads were entered for its missing reads) is the same
calculation again: it bills the accounts that had no bill and resolves the exceptions that no
longer hold (services.chunks.resolve_stale), so posting needs no override for problems now fixed.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from billing.bill_runs.services.runs import CALCULATE_TASK, POST_TASK, lock_run
from billing.models import BillRun
from billing.tasks import ISSUE_TASK
from district.celery import app as celery_app
from district.errors import ServiceError, require
from district.policies import policy_value
from district.roles import Perm
from district.transitions import transition

Status = BillRun.Status
STALL_POLICY = "bill-run-stall-minutes"
# Used until the district has the policy (reference_data seeds it on migrate).
STALL_MINUTES_DEFAULT = 15


def stall_minutes() -> int:
    try:
        return int(policy_value(STALL_POLICY))
    except LookupError:
        return STALL_MINUTES_DEFAULT


def stage(run: BillRun) -> str:
    """What the run is doing in the background: "calculating", "posting", "issuing" or ""."""
    if run.status in (Status.CREATED, Status.CALCULATING):
        return "calculating"
    if run.status == Status.POSTING:
        return "posting"
    if run.status == Status.POSTED and run.issue_requested_at is not None:
        return "issuing"
    return ""


def last_moved(run: BillRun) -> datetime.datetime | None:
    if stage(run) == "issuing":
        return run.issue_requested_at
    return run.progress_at or run.created_at


def is_stalled(run: BillRun, *, minutes: int | None = None, now=None) -> bool:
    """True when the run's background stage has not moved for the stall policy's time."""
    if not stage(run):
        return False
    moved = last_moved(run)
    minutes = stall_minutes() if minutes is None else minutes
    now = now or timezone.now()
    return moved is None or now - moved >= datetime.timedelta(minutes=minutes)


def _queue(task_name: str, *args) -> None:
    transaction.on_commit(lambda: celery_app.signature(task_name, args=args).delay())


@transaction.atomic
def bill_run_resume(*, run_id: int, by) -> BillRun:
    """Start a stalled stage again (calculate, post or issue); refused unless it is stalled."""
    require(by, Perm.RUN_BILLING, doing="resume bill runs")
    run = lock_run(run_id)
    what = stage(run)
    if not what:
        raise ServiceError(
            f"A bill run that is {run.get_status_display().lower()} has nothing to resume."
        )
    if not is_stalled(run):
        # Also what a second resume, waiting on the lock while the first went through, is told.
        raise ServiceError(
            f"The run is still {what}: it moved less than {stall_minutes()} minutes ago."
        )
    now = timezone.now()
    run.error = ""
    if what == "issuing":
        run.issue_requested_at = now
        run.save(update_fields=["issue_requested_at", "error"])
        _queue(ISSUE_TASK, run.pk, by.pk)
    else:
        run.progress_at = now
        run.save(update_fields=["progress_at", "error"])
        if what == "calculating":
            _queue(CALCULATE_TASK, run.pk)
        else:
            _queue(POST_TASK, run.pk, by.pk)
    return run


@transaction.atomic
def bill_run_recalculate(*, run_id: int, by) -> BillRun:
    """Calculate a run in audit again: bills the accounts still without one (their reads now in)
    and resolves the exceptions that no longer hold. Bills already made stand as they are."""
    require(by, Perm.RUN_BILLING, doing="recalculate bill runs")
    run = lock_run(run_id)
    if run.status != Status.AUDIT:
        raise ServiceError("Only a run in audit can be calculated again.")
    transition(run, Status.CALCULATING, verb="calculated again")
    run.progress_at = timezone.now()
    run.save(update_fields=["status", "progress_at"])
    _queue(CALCULATE_TASK, run.pk)
    return run


@transaction.atomic
def bill_run_issue_request(*, run_id: int, by) -> BillRun:
    """Ask for a posted run to be issued (the issue task writes the print file and the emails);
    refused while an earlier request is still within the stall time."""
    require(by, Perm.RUN_BILLING, doing="issue bill runs")
    run = lock_run(run_id)
    if run.status != Status.POSTED:
        raise ServiceError(
            f"Only a posted bill run can be issued; this one is {run.get_status_display().lower()}."
        )
    if run.issue_requested_at is not None and not is_stalled(run):
        raise ServiceError("This run is already being issued.")
    run.issue_requested_at = timezone.now()
    run.save(update_fields=["issue_requested_at"])
    _queue(ISSUE_TASK, run.pk, by.pk)
    return run
