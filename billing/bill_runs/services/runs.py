"""A bill run's own steps: create, start calculating, move to audit, post, fail.

The run's status says where it is; its counts are recomputed from the bills and exceptions
(never incremented). Tasks are dispatched after the run's state has committed.
"""

import datetime

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.bill_runs import calculation, posting
from billing.bill_runs.services.chunks import STALE_NOTE, insert_exceptions
from billing.models import Bill, BillException, BillingPeriod, BillRun, RateScheduleVersion
from billing.rates.services import rate_version_lock
from district.celery import app as celery_app
from district.errors import NotPermitted, ServiceError, require
from district.roles import Perm
from district.transitions import transition

CHUNK_SIZE = 2_000
Status = BillRun.Status
ExceptionStatus = BillException.Status
CALCULATE_TASK = "billing.bill_run_calculate"
CALCULATE_CHUNK_TASK = "billing.bill_run_calculate_chunk"
POST_TASK = "billing.bill_run_post_bills"


def lock_run(run_id: int) -> BillRun:
    """The run, locked against every other change of its state until this transaction ends.

    FOR NO KEY UPDATE, not FOR UPDATE: no one changes a run's id, and the weaker lock does not
    wait for the key-share locks that the foreign keys of the run's bills and exceptions take
    when a chunk commits (nor they for it). With FOR UPDATE each chunk's closing check and the
    other worker's commits waited on each other (seen as lock waits on the run's row).
    """
    try:
        return (
            BillRun.objects.select_for_update(of=("self",), no_key=True)
            .select_related("period", "period__cycle")
            .get(pk=run_id)
        )
    except BillRun.DoesNotExist:
        raise ServiceError("There is no such bill run.") from None


def run_accounts(period: BillingPeriod) -> list[int]:
    """Ids of the accounts a run of this period bills: the cycle's active and pending-final
    accounts that started by the period's end, in id order."""
    return list(
        ServiceAccount.objects.filter(
            billing_cycle=period.cycle.code,
            status__in=calculation.BILLABLE_STATUSES,
            start_date__lte=period.period_end,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def refresh_counts(run: BillRun) -> None:
    """Recompute the run's counts from its bills and exceptions (never incremented)."""
    run.bills_calculated = (
        Bill.objects.filter(run=run).exclude(status=Bill.Status.CANCELLED).count()
    )
    run.exceptions_open = BillException.objects.filter(run=run, status=ExceptionStatus.OPEN).count()


# -- create and calculate


@transaction.atomic
def bill_run_create(*, period: BillingPeriod, by) -> BillRun:
    """Open the bill run of a scheduled period (one live run per period)."""
    require(by, Perm.RUN_BILLING, doing="start bill runs")
    period = BillingPeriod.objects.select_for_update().select_related("cycle").get(pk=period.pk)
    if period.status != BillingPeriod.Status.SCHEDULED:
        raise ServiceError(
            f"Schedule the period {period.period_start:%m/%d/%Y} to {period.period_end:%m/%d/%Y} "
            "on the billing calendar before starting its bill run."
        )
    if BillRun.objects.filter(period=period).exclude(status=Status.FAILED).exists():
        raise ServiceError("This period already has a bill run.")
    return BillRun.objects.create(period=period, created_by=by)


def bill_run_calculate(*, run_id: int, chunk_size: int = CHUNK_SIZE) -> BillRun:
    """Start (or resume) calculating a run: one chunk task per `chunk_size` accounts.

    Safe to call again after a crash or while in audit: accounts billed in the run are skipped.
    """
    with transaction.atomic():
        run = lock_run(run_id)
        if run.status != Status.CALCULATING:
            transition(run, Status.CALCULATING, verb="calculated")
        account_ids = run_accounts(run.period)
        run.accounts_total = len(account_ids)
        run.error = ""
        run.progress_at = timezone.now()
        refresh_counts(run)
        run.save(
            update_fields=[
                "status",
                "accounts_total",
                "error",
                "progress_at",
                "bills_calculated",
                "exceptions_open",
            ]
        )
    chunks = [account_ids[i : i + chunk_size] for i in range(0, len(account_ids), chunk_size)]
    for chunk in chunks:
        celery_app.signature(CALCULATE_CHUNK_TASK, args=(run.pk, chunk)).delay()
    if not chunks:
        bill_run_calculation_check(run_id=run.pk)
    run.refresh_from_db()
    return run


@transaction.atomic
def bill_run_calculation_check(*, run_id: int) -> BillRun:
    """Move the run to audit once every account has a bill or an exception saying why not."""
    run = lock_run(run_id)
    if run.status != Status.CALCULATING:
        return run
    if _accounts_covered(run) >= run.accounts_total:
        _resolve_billed_since(run)
        with connection.cursor() as cursor:
            insert_exceptions(cursor, run, _never_billed(run))
        transition(run, Status.AUDIT, verb="audited")
        run.calculated_at = timezone.now()
    run.progress_at = timezone.now()
    refresh_counts(run)
    run.save(
        update_fields=[
            "status",
            "calculated_at",
            "progress_at",
            "bills_calculated",
            "exceptions_open",
        ]
    )
    return run


def _accounts_covered(run: BillRun) -> int:
    """Accounts with a live bill in the run or an exception saying why they have none."""
    # order_by(): the models' default orders would sort both sides (and join the exceptions
    # to their run to sort by its date) before a count that ignores order.
    return (
        Bill.objects.filter(run=run)
        .exclude(status=Bill.Status.CANCELLED)
        .order_by()
        .values("account_id")
        .union(
            BillException.objects.filter(
                run=run,
                bill__isnull=True,
                kind__in=[BillException.Kind.MISSING_READ, BillException.Kind.NEVER_BILLED],
            )
            .order_by()
            .values("account_id")
        )
        .count()
    )


def _never_billed(run: BillRun) -> list[tuple]:
    """Active accounts of the cycle's routes (or its accounts) with no live bill for the period
    and no exception in the run."""
    period = run.period
    accounts = ServiceAccount.objects.filter(
        status=ServiceAccount.Status.ACTIVE, start_date__lte=period.period_end
    ).filter(Q(_on_routes(period.cycle.routes)) | Q(billing_cycle=period.cycle.code))
    missing = accounts.filter(_without_bill_or_exception(run)).values_list("pk", "billing_cycle")
    return [
        (
            account_id,
            None,
            BillException.Kind.NEVER_BILLED,
            f"Active on a route of cycle {period.cycle.code} but billed with cycle "
            f"“{cycle or '-'}”: no bill this period."
            if cycle != period.cycle.code
            else "Active but not billed this period.",
        )
        for account_id, cycle in missing
    ]


def _without_bill_or_exception(run: BillRun) -> RawSQL:
    """An account with no live bill for the run's period and no exception in the run, each
    looked up by the account's own index entries (one probe an account of the cycle).

    NOT EXISTS, not NOT IN: PostgreSQL cannot turn NOT IN (subquery) into an anti-join (a NULL
    would change its answer), and once the period's bills outgrow work_mem it rescans them for
    every account (at 1,000,000 accounts this query ran past 9 minutes). OFFSET 0 keeps each
    NOT EXISTS a probe rather than a join the planner chooses by its statistics: when a run's
    calculation ends, the period's bills were all written after the bills were last analyzed,
    so it expects none, and it chose to scan the period's bills again for each of the cycle's
    accounts: up to 6.8 s a run of 4,765 accounts in a routine month at 100,000 accounts,
    growing with the cycle times the district's bills of the period; 45 ms by the probes
    (measured; see bench/README.md)."""
    return RawSQL(
        "NOT EXISTS (SELECT FROM billing_bill bill "
        "WHERE bill.account_id = accounts_serviceaccount.id AND bill.period_start = %s "
        "AND NOT (bill.status = %s) OFFSET 0) "
        "AND NOT EXISTS (SELECT FROM billing_billexception exception "
        "WHERE exception.run_id = %s AND exception.account_id = accounts_serviceaccount.id "
        "OFFSET 0)",
        (run.period.period_start, Bill.Status.CANCELLED.value, run.pk),
        output_field=BooleanField(),
    )


def _on_routes(routes) -> RawSQL:
    """An account whose premise is on one of these routes, as a condition on the account's own
    premise_id. Written as a join, the cycle's test (route OR the account's cycle) spans two
    tables and PostgreSQL reads every account and premise of the district to evaluate it
    (150-200 ms a run at 100,000 accounts, growing with the district); on the account, each
    side of the OR is read from its own index and the two are OR-ed as bitmaps."""
    return RawSQL(
        "premise_id = ANY(ARRAY(SELECT id FROM field_ops_premise WHERE route = ANY(%s)))",
        (list(routes),),
        output_field=BooleanField(),
    )


def _resolve_billed_since(run: BillRun) -> None:
    """Resolve the open "not billed" exceptions of accounts that have a live bill for the
    period by now (billed by another run or by hand since the exception was raised)."""
    billed = Bill.objects.filter(period_start=run.period.period_start).exclude(
        status=Bill.Status.CANCELLED
    )
    BillException.objects.filter(
        run=run,
        status=ExceptionStatus.OPEN,
        bill__isnull=True,
        kind=BillException.Kind.NEVER_BILLED,
        account_id__in=billed.values("account_id"),
    ).update(status=ExceptionStatus.RESOLVED, resolved_at=timezone.now(), note=STALE_NOTE)


# -- posting


def blocking_open(run: BillRun) -> int:
    return BillException.objects.filter(run=run, status=ExceptionStatus.OPEN, blocking=True).count()


@transaction.atomic
def _post_start(*, run_id: int, by, override_reason: str) -> tuple[BillRun, bool]:
    require(by, Perm.RUN_BILLING, doing="post bill runs")
    run = lock_run(run_id)
    if run.status in (Status.POSTED, Status.ISSUED):
        return run, False
    if run.status == Status.POSTING:
        return run, True  # resuming an interrupted posting
    if run.status not in (Status.AUDIT, Status.FAILED) or (
        run.status == Status.FAILED and run.calculated_at is None
    ):
        raise ServiceError("Only a run in audit can post.")
    blocking = blocking_open(run)
    override_reason = (override_reason or "").strip()
    if blocking:
        if not override_reason:
            raise ServiceError(
                f"{blocking} blocking exception{'s' if blocking != 1 else ''} still open: accept, "
                "hold or resolve them, or a supervisor may post with a reason."
            )
        if not by.has_perm(Perm.APPROVE_REQUESTS):
            raise NotPermitted("Only a supervisor can post past open exceptions.")
        run.override_reason = override_reason[:255]
        run.override_by = by
    transition(run, Status.POSTING, verb="posted")
    run.posted_by = by
    run.progress_at = timezone.now()
    run.save(update_fields=["status", "override_reason", "override_by", "posted_by", "progress_at"])
    return run, True


def bill_run_post(*, run_id: int, by, override_reason: str = "") -> BillRun:
    """Post a run: refused while blocking exceptions are open unless a supervisor overrides
    with a reason. The bills post in chunks by a task (held bills are skipped); idempotent."""
    run, go = _post_start(run_id=run_id, by=by, override_reason=override_reason)
    if go:
        transaction.on_commit(lambda: celery_app.signature(POST_TASK, args=(run.pk, by.pk)).delay())
    return run


def bill_run_post_bills(*, run_id: int, by, chunk_size: int = posting.POST_CHUNK_SIZE) -> BillRun:
    """Post every calculated bill of a run in chunks, then lock the rate versions and finish."""
    run = BillRun.objects.select_related("period", "period__cycle").get(pk=run_id)
    if run.status != Status.POSTING:
        return run
    posting.refresh_statistics()
    while posting.post_chunk(run=run, by=by, chunk_size=chunk_size):
        # Each chunk has committed: the run is moving (what the stall check looks at).
        BillRun.objects.filter(pk=run_id).update(progress_at=timezone.now())
    return _post_finish(run_id=run_id)


@transaction.atomic
def _post_finish(*, run_id: int) -> BillRun:
    run = lock_run(run_id)
    if run.status != Status.POSTING:
        return run
    for version in (
        Bill.objects.filter(run=run, status=Bill.Status.POSTED)
        .values_list("rate_version", flat=True)
        .distinct()
        .order_by("rate_version")
    ):
        if version is not None:
            rate_version_lock(version=RateScheduleVersion(pk=version))
    period = BillingPeriod.objects.select_for_update().get(pk=run.period_id)
    if period.status == BillingPeriod.Status.SCHEDULED:
        transition(period, BillingPeriod.Status.BILLED)
        period.save(update_fields=["status"])
    transition(run, Status.POSTED, verb="marked posted")
    run.posted_at = timezone.now()
    refresh_counts(run)
    run.save(update_fields=["status", "posted_at", "bills_calculated", "exceptions_open"])
    return run


@transaction.atomic
def bill_run_fail(*, run_id: int, error: str) -> BillRun:
    """Mark a run failed (a task gave up); calculate or post may be started again."""
    run = lock_run(run_id)
    if run.can_move_to(Status.FAILED):
        transition(run, Status.FAILED)
        run.error = error[:2000]
        run.save(update_fields=["status", "error"])
    return run


def bill_counts(run: BillRun) -> dict:
    return dict(
        Bill.objects.filter(run=run).values_list("status").annotate(n=Count("id")).order_by()
    )


def today() -> datetime.date:
    return timezone.localdate()
