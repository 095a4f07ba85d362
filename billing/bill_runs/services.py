"""Bill runs: create -> calculate (in chunks) -> audit -> post, one service per step.

State plus a queue: the run's status says where it is, chunk tasks do the work, and every
count on the run is recomputed from the bills and exceptions (never incremented), so a crashed
or redelivered task is harmless: a chunk skips the accounts already billed in the run, and the
one-live-bill-per-account-and-period constraint catches a race (INSERT ... ON CONFLICT DO
NOTHING). Tasks are dispatched after the run's state has committed.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.deposits.installments import next_installments
from accounts.models import ServiceAccount
from billing.bill_runs import audit, calculation, posting
from billing.models import (
    Bill,
    BillException,
    BillingPeriod,
    BillLine,
    BillRun,
    RateScheduleVersion,
)
from billing.rates.services import rate_version_lock
from district.bulk import copy_line, copy_rows, relaxed_commit, sql_values
from district.celery import app as celery_app
from district.roles import Perm
from field_ops.models import MeterRead, WorkOrder
from field_ops.services import read_correct
from field_ops.work_orders.services import work_order_create

CHUNK_SIZE = 2_000
Status = BillRun.Status
ExceptionStatus = BillException.Status
CALCULATE_TASK = "billing.bill_run_calculate"
CALCULATE_CHUNK_TASK = "billing.bill_run_calculate_chunk"
POST_TASK = "billing.bill_run_post_bills"
AUDIT_ORDER_TYPES = (WorkOrder.Type.RE_READ, WorkOrder.Type.LEAK_INVESTIGATION)


def _require(by, permission: str, action: str) -> None:
    if by is None or not by.has_perm(permission):
        raise ValidationError(f"Your role does not allow you to {action}.")


def _lock_run(run_id: int) -> BillRun:
    try:
        return (
            BillRun.objects.select_for_update(of=("self",))
            .select_related("period", "period__cycle")
            .get(pk=run_id)
        )
    except BillRun.DoesNotExist:
        raise ValidationError("There is no such bill run.") from None


def _move(run: BillRun, to_status: str) -> None:
    if to_status not in BillRun.ALLOWED_TRANSITIONS[run.status]:
        raise ValidationError(
            f"A bill run that is {run.get_status_display().lower()} cannot move to "
            f"{Status(to_status).label.lower()}."
        )
    run.status = to_status


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


def _refresh_counts(run: BillRun) -> None:
    """Recompute the run's counts from its bills and exceptions (never incremented)."""
    run.bills_calculated = (
        Bill.objects.filter(run=run).exclude(status=Bill.Status.CANCELLED).count()
    )
    run.exceptions_open = BillException.objects.filter(run=run, status=ExceptionStatus.OPEN).count()


# -- create and calculate


@transaction.atomic
def bill_run_create(*, period: BillingPeriod, by) -> BillRun:
    """Open the bill run of a scheduled period (one live run per period)."""
    _require(by, Perm.RUN_BILLING, "start bill runs")
    period = BillingPeriod.objects.select_for_update().select_related("cycle").get(pk=period.pk)
    if period.status != BillingPeriod.Status.SCHEDULED:
        raise ValidationError(
            f"Schedule the period {period.period_start:%m/%d/%Y} to {period.period_end:%m/%d/%Y} "
            "on the billing calendar before starting its bill run."
        )
    if BillRun.objects.filter(period=period).exclude(status=Status.FAILED).exists():
        raise ValidationError("This period already has a bill run.")
    return BillRun.objects.create(period=period, created_by=by)


def bill_run_calculate(*, run_id: int, chunk_size: int = CHUNK_SIZE) -> BillRun:
    """Start (or resume) calculating a run: one chunk task per `chunk_size` accounts.

    Safe to call again after a crash or while in audit: accounts billed in the run are skipped.
    """
    with transaction.atomic():
        run = _lock_run(run_id)
        if run.status != Status.CALCULATING:
            _move(run, Status.CALCULATING)
        account_ids = run_accounts(run.period)
        run.accounts_total = len(account_ids)
        run.error = ""
        run.progress_at = timezone.now()
        _refresh_counts(run)
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


def _bill_row(run: BillRun, inputs, priced) -> tuple:
    period = run.period
    return (
        inputs.account_id,
        run.pk,
        Bill.Kind.REGULAR,
        Bill.Status.CALCULATED,
        period.period_start,
        period.period_end,
        period.bill_date,
        period.due_date,
        priced.version.pk,
        inputs.previous_read.read_id,
        inputs.current_read.read_id,
        priced.consumption,
        priced.estimated,
        priced.total,
        0,
        0,
        "",
        "",
        timezone.now(),
    )


def _line_rows(bill_id: int, priced, rendered: dict | None = None) -> list[str]:
    """The bill's lines in COPY format. Priced bills share their engine lines (the pricing
    cache), so a line's text is rendered once per run chunk and prefixed with each bill id."""
    rendered = {} if rendered is None else rendered
    texts = rendered.get(id(priced.lines))
    if texts is None:
        texts = [
            copy_line(
                (
                    position,
                    line.code[:40],
                    line.category[:20],
                    line.description[:200],
                    line.quantity,
                    line.unit[:10],
                    line.rate,
                    line.amount,
                    line.version[:60],
                    line.proration[:120],
                )
            )
            for position, line in enumerate(priced.lines, start=1)
        ]
        rendered[id(priced.lines)] = texts
    prefix = f"{bill_id}\t"
    return [prefix + text for text in texts]


def _insert_bills(cursor, rows) -> dict[int, int]:
    """Insert bills unless the account has a live bill for the period; {account id: new bill id}."""
    if not rows:
        return {}
    cursor.execute(
        "INSERT INTO billing_bill (account_id, run_id, kind, status, period_start, period_end, "
        "bill_date, due_date, rate_version_id, previous_read_id, current_read_id, consumption, "
        "estimated, current_charges, previous_balance, amount_due, cancel_reason, pdf, "
        "created_at) VALUES "
        + sql_values(cursor, "(" + ",".join(["%s"] * 19) + ")", rows)
        + " ON CONFLICT DO NOTHING RETURNING account_id, id",
        [],
    )
    return dict(cursor.fetchall())


LINE_COLUMNS = (
    "bill_id",
    "position",
    "code",
    "category",
    "description",
    "quantity",
    "unit",
    "rate",
    "amount",
    "version_label",
    "proration_note",
)


def _insert_lines(cursor, lines: list[str]) -> None:
    """Lines (COPY text) of bills this transaction created (nothing to conflict with): COPY."""
    copy_rows(cursor, BillLine._meta.db_table, LINE_COLUMNS, lines=lines)


def _insert_exceptions(cursor, run: BillRun, found: list[tuple]) -> None:
    """found: (account id, bill id or None, kind, detail); an existing (run, account, kind) stays."""
    if found:
        cursor.execute(
            "INSERT INTO billing_billexception (run_id, account_id, bill_id, kind, blocking, "
            "detail, status, note) VALUES "
            + sql_values(
                cursor,
                "(%s,%s,%s,%s,%s,%s,'open','')",
                [
                    (run.pk, account_id, bill_id, kind, audit.BLOCKING[kind], detail[:255])
                    for account_id, bill_id, kind, detail in found
                ],
            )
            + " ON CONFLICT DO NOTHING",
            [],
        )


def _price(inputs, run: BillRun, rates: calculation.Rates):
    """(priced bill or None, exception (kind, detail) or None) for one account."""
    if inputs.current_read is None or inputs.previous_read is None:
        return None, (BillException.Kind.MISSING_READ, audit.missing_read_detail(inputs))
    versions = rates.versions_for(inputs.customer_class)
    if not versions:
        return None, (BillException.Kind.NEVER_BILLED, "No rate schedule is in force: not billed.")
    try:
        priced = calculation.price_account(
            inputs,
            period_start=run.period.period_start,
            period_end=run.period.period_end,
            schedule_versions=versions,
            previous_read=inputs.previous_read,
            current_read=inputs.current_read,
            dwelling_units=inputs.dwelling_units,
            meter_size=inputs.meter_size,
            dials=inputs.dials,
            multiplier=inputs.multiplier,
            cache=rates.cache,
        )
    except ValidationError as error:
        return None, (
            BillException.Kind.NEVER_BILLED,
            f"Could not be priced: {' '.join(error.messages)}",
        )
    return priced, None


@transaction.atomic
def bill_run_calculate_chunk(*, run_id: int, account_ids: list[int]) -> int:
    """Bill one chunk of a run's accounts (those not billed in the run yet); returns bills made.

    A fixed number of queries whatever the chunk's size (one more, once per run and worker
    process, when it has first bills: their class's typical bill). Skips quietly unless calculating.
    """
    run = BillRun.objects.select_related("period", "period__cycle").get(pk=run_id)
    if run.status != Status.CALCULATING:
        return 0
    relaxed_commit()
    done = set(
        Bill.objects.filter(run=run, account_id__in=account_ids).values_list(
            "account_id", flat=True
        )
    )
    todo = [account_id for account_id in account_ids if account_id not in done]
    if not todo:
        return 0
    rates = calculation.load_rates(run.period.period_start, run.period.period_end)
    policies = audit.audit_policies()
    inputs_list = calculation.load_chunk(todo, run.period)
    installments = next_installments(todo)
    class_typical = (
        calculation.class_typical_for_run(run)
        if any(inputs.bills_before == 0 for inputs in inputs_list)
        else {}
    )
    priced_by_account, found = {}, []
    for inputs in inputs_list:
        priced, problem = _price(inputs, run, rates)
        if problem is not None:
            found.append((inputs.account_id, None, *problem))
        for kind, detail in audit.audit_account(
            inputs, priced, policies, class_typical=class_typical.get(inputs.customer_class)
        ):
            found.append((inputs.account_id, None, kind, detail))
        if priced is not None:
            priced = calculation.with_installment(priced, installments.get(inputs.account_id))
            priced_by_account[inputs.account_id] = (inputs, priced)
    with connection.cursor() as cursor:
        bill_ids = _insert_bills(
            cursor,
            [_bill_row(run, inputs, priced) for inputs, priced in priced_by_account.values()],
        )
        rendered: dict = {}
        _insert_lines(
            cursor,
            [
                row
                for account_id, bill_id in sorted(bill_ids.items())
                for row in _line_rows(bill_id, priced_by_account[account_id][1], rendered)
            ],
        )
        conflicted = set(priced_by_account) - set(bill_ids)
        billed_elsewhere: set[int] = set()  # by a redelivered copy: its exceptions stand
        if conflicted:
            # Billed meanwhile: by a redelivered copy of this chunk (fine), or by another bill
            # for the period (a rebill): that account is listed, not billed twice.
            in_run = set(
                Bill.objects.filter(run=run, account_id__in=conflicted).values_list(
                    "account_id", flat=True
                )
            )
            found = [row for row in found if row[0] not in in_run]
            billed_elsewhere = in_run
            found += [
                (
                    account_id,
                    None,
                    BillException.Kind.NEVER_BILLED,
                    "Already has a bill for this period outside this run: not billed again.",
                )
                for account_id in sorted(conflicted - in_run)
            ]
        _insert_exceptions(
            cursor,
            run,
            [
                (account_id, bill_ids.get(account_id), kind, detail)
                for account_id, _bill, kind, detail in found
            ],
        )
    _resolve_stale(
        run,
        [account_id for account_id in todo if account_id not in billed_elsewhere],
        {(row[0], row[2]) for row in found},
    )
    return len(bill_ids)


STALE_NOTE = "No longer applies after recalculation."


def _resolve_stale(run: BillRun, account_ids: list[int], still: set[tuple[int, str]]) -> None:
    """Resolve the open exceptions of these accounts that this calculation no longer finds (a
    missing read once the read is in): posting then needs no override for a fixed problem.
    One statement."""
    if not account_ids:
        return
    params: list = [ExceptionStatus.RESOLVED, timezone.now(), STALE_NOTE, run.pk]
    params += [ExceptionStatus.OPEN, list(RECHECKED_KINDS), list(account_ids)]
    with connection.cursor() as cursor:
        still_clause = ""
        if still:
            still_clause = (
                " AND (account_id, kind) NOT IN (VALUES "
                + sql_values(cursor, "(%s::bigint,%s)", sorted(still))
                + ")"
            )
        cursor.execute(
            "UPDATE billing_billexception SET status = %s, resolved_at = %s, note = %s "
            "WHERE run_id = %s AND status = %s AND kind = ANY(%s) AND account_id = ANY(%s)"
            + still_clause,
            params,
        )


def _never_billed(run: BillRun) -> list[tuple]:
    """Active accounts of the cycle's routes (or its accounts) with no live bill for the period
    and no exception in the run."""
    period = run.period
    accounts = ServiceAccount.objects.filter(
        status=ServiceAccount.Status.ACTIVE, start_date__lte=period.period_end
    ).filter(Q(premise__route__in=period.cycle.routes) | Q(billing_cycle=period.cycle.code))
    billed = Bill.objects.filter(period_start=period.period_start).exclude(
        status=Bill.Status.CANCELLED
    )
    listed = BillException.objects.filter(run=run)
    missing = (
        accounts.exclude(pk__in=billed.values("account_id"))
        .exclude(pk__in=listed.values("account_id"))
        .values_list("pk", "billing_cycle")
    )
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


@transaction.atomic
def bill_run_calculation_check(*, run_id: int) -> BillRun:
    """Move the run to audit once every account has a bill or an exception saying why not."""
    run = _lock_run(run_id)
    if run.status != Status.CALCULATING:
        return run
    covered = (
        Bill.objects.filter(run=run)
        .exclude(status=Bill.Status.CANCELLED)
        .values("account_id")
        .union(
            BillException.objects.filter(
                run=run,
                bill__isnull=True,
                kind__in=[BillException.Kind.MISSING_READ, BillException.Kind.NEVER_BILLED],
            ).values("account_id")
        )
        .count()
    )
    if covered >= run.accounts_total:
        _resolve_billed_since(run)
        with connection.cursor() as cursor:
            _insert_exceptions(cursor, run, _never_billed(run))
        _move(run, Status.AUDIT)
        run.calculated_at = timezone.now()
    run.progress_at = timezone.now()
    _refresh_counts(run)
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


# -- audit actions


def _lock_exception(exception_id: int) -> BillException:
    try:
        exception = (
            BillException.objects.select_for_update(of=("self",))
            .select_related("run", "run__period", "account", "bill")
            .get(pk=exception_id)
        )
    except BillException.DoesNotExist:
        raise ValidationError("There is no such exception.") from None
    if exception.run.status not in (Status.AUDIT, Status.CALCULATING):
        raise ValidationError("The run is past its audit: its exceptions can no longer change.")
    return exception


def _close(exception: BillException, *, status: str, by, note: str) -> None:
    exception.status = status
    exception.resolved_by = by
    exception.resolved_at = timezone.now()
    exception.note = (note or "").strip()[:255]
    exception.save(update_fields=["status", "resolved_by", "resolved_at", "note"])


def _save_counts(run: BillRun) -> None:
    run = BillRun.objects.select_for_update().get(pk=run.pk)
    _refresh_counts(run)
    run.save(update_fields=["bills_calculated", "exceptions_open"])


@transaction.atomic
def bill_exception_accept(*, exception_id: int, by, note: str = "") -> BillException:
    """Accept an exception: the bill is right as it stands."""
    _require(by, Perm.RUN_BILLING, "clear bill exceptions")
    exception = _lock_exception(exception_id)
    if exception.status != ExceptionStatus.OPEN:
        raise ValidationError("This exception is no longer open.")
    _close(exception, status=ExceptionStatus.ACCEPTED, by=by, note=note)
    _save_counts(exception.run)
    return exception


def _hold_bill(bill: Bill | None) -> None:
    if bill is None:
        return
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != Bill.Status.HELD:
        if Bill.Status.HELD not in Bill.ALLOWED_TRANSITIONS[bill.status]:
            raise ValidationError("Only a calculated bill can be held.")
        bill.status = Bill.Status.HELD
        bill.save(update_fields=["status"])


@transaction.atomic
def bill_exception_hold(*, exception_id: int, by, note: str = "") -> BillException:
    """Hold the exception's bill: the run posts without it."""
    _require(by, Perm.RUN_BILLING, "hold bills")
    exception = _lock_exception(exception_id)
    if exception.status != ExceptionStatus.OPEN:
        raise ValidationError("This exception is no longer open.")
    if exception.bill is None:
        raise ValidationError("There is no bill to hold for this account.")
    _hold_bill(exception.bill)
    _close(exception, status=ExceptionStatus.HELD, by=by, note=note)
    _save_counts(exception.run)
    return exception


@transaction.atomic
def bill_exception_correct_read(*, exception_id: int, by, reading, reason: str) -> BillException:
    """Correct the bill's current read (with a reason) and recalculate the account's bill."""
    _require(by, Perm.RUN_BILLING, "correct reads from the bill audit")
    exception = _lock_exception(exception_id)
    if exception.status not in (ExceptionStatus.OPEN, ExceptionStatus.HELD):
        raise ValidationError("This exception is already closed.")
    bill = exception.bill
    if bill is None or bill.current_read_id is None:
        raise ValidationError("There is no read on a bill to correct; enter the read instead.")
    corrected = read_correct(
        read=MeterRead.objects.get(pk=bill.current_read_id), reading=reading, by=by, reason=reason
    )
    account_recalculate(run=exception.run, account_id=exception.account_id)
    _close(
        exception,
        status=ExceptionStatus.RESOLVED,
        by=by,
        note=f"Read corrected to {corrected.reading:,}: {reason}",
    )
    _save_counts(exception.run)
    return exception


@transaction.atomic
def bill_exception_request_order(
    *, exception_id: int, by, order_type: str, instructions: str = ""
) -> BillException:
    """Ask the field for a re-read or a leak investigation; the bill is held until it is done."""
    _require(by, Perm.RUN_BILLING, "request field work from the bill audit")
    if order_type not in AUDIT_ORDER_TYPES:
        raise ValidationError("Choose a re-read or a leak investigation.")
    exception = _lock_exception(exception_id)
    if exception.status != ExceptionStatus.OPEN:
        raise ValidationError("This exception is no longer open.")
    account = exception.account
    order = work_order_create(
        order_type=order_type,
        premise=account.premise,
        by=by,
        requested_date=timezone.localdate(),
        origin=WorkOrder.Origin.BILL_AUDIT,
        service_account_id=account.pk,
        instructions=(
            instructions or f"Bill audit: {exception.get_kind_display()}. {exception.detail}"
        ).strip(),
    )
    _hold_bill(exception.bill)
    exception.work_order = order
    exception.save(update_fields=["work_order"])
    _close(exception, status=ExceptionStatus.HELD, by=by, note=f"{order} requested")
    _save_counts(exception.run)
    return exception


def audit_order_completed(work_order: WorkOrder, completion: dict, by) -> None:
    """Completion handler of re-read and leak orders: a re-read's new read replaces the bill's
    read, and the held bill is recalculated (and released) in each run still in audit."""
    exceptions = list(
        BillException.objects.select_for_update(of=("self",))
        .select_related("run", "run__period")
        .filter(work_order=work_order, run__status=Status.AUDIT)
        .order_by("pk")
    )
    new_read_id = completion.get("meter_read_id")
    for exception in exceptions:
        account_recalculate(
            run=exception.run, account_id=exception.account_id, current_read_id=new_read_id
        )
        _close(
            exception,
            status=ExceptionStatus.RESOLVED,
            by=by,
            note=f"{work_order} completed; bill recalculated",
        )
    for run in {exception.run for exception in exceptions}:
        _save_counts(run)


# -- recalculating one account


RECHECKED_KINDS = (
    BillException.Kind.HIGH_USE,
    BillException.Kind.LOW_USE,
    BillException.Kind.ZERO_USE,
    BillException.Kind.BELOW_LAST,
    BillException.Kind.ESTIMATED,
    BillException.Kind.AMOUNT_OVER,
    BillException.Kind.OVER_TYPICAL,
    BillException.Kind.MISSING_READ,
    BillException.Kind.NEVER_BILLED,
)


@transaction.atomic
def account_recalculate(*, run: BillRun, account_id: int, current_read_id: int | None = None):
    """Price one account's bill in a run again (after a read changed); returns the bill or None.

    A held bill is recalculated and released. Open exceptions that no longer apply are resolved;
    new ones are added.
    """
    run = BillRun.objects.select_related("period", "period__cycle").get(pk=run.pk)
    if run.status not in (Status.AUDIT, Status.CALCULATING):
        raise ValidationError("Only a run being calculated or audited can recalculate a bill.")
    bill = Bill.objects.select_for_update().filter(run=run, account_id=account_id).first()
    if bill is not None and bill.status not in (Bill.Status.CALCULATED, Bill.Status.HELD):
        raise ValidationError("This bill has posted: correct it with cancel and rebill.")
    (inputs,) = calculation.load_chunk([account_id], run.period)
    if current_read_id is not None:
        read = MeterRead.objects.get(pk=current_read_id)
        previous = inputs.previous_read or inputs.current_read
        if inputs.current_read is not None and read.read_on > inputs.current_read.read_on:
            previous = inputs.previous_read
        inputs = dataclasses.replace(
            inputs,
            current_read=calculation.ReadPoint(
                read_id=read.pk,
                read_on=read.read_on,
                reading=read.reading,
                estimated=read.source == MeterRead.Source.ESTIMATE,
            ),
            previous_read=previous,
        )
    rates = calculation.load_rates(run.period.period_start, run.period.period_end)
    priced, problem = _price(inputs, run, rates)
    class_typical = calculation.class_typical_bills(run.period) if inputs.bills_before == 0 else {}
    found = audit.audit_account(
        inputs,
        priced,
        audit.audit_policies(),
        class_typical=class_typical.get(inputs.customer_class),
    )
    if problem is not None:
        found.append(problem)
    if priced is not None:
        priced = calculation.with_installment(
            priced, next_installments([account_id]).get(account_id)
        )
    still = {kind for kind, _detail in found}
    with connection.cursor() as cursor:
        if priced is not None:
            if bill is None:
                bill_id = _insert_bills(cursor, [_bill_row(run, inputs, priced)])[account_id]
            else:
                BillLine.objects.filter(bill=bill).delete()
                row = _bill_row(run, inputs, priced)
                Bill.objects.filter(pk=bill.pk).update(
                    status=Bill.Status.CALCULATED,
                    rate_version_id=row[8],
                    previous_read_id=row[9],
                    current_read_id=row[10],
                    consumption=row[11],
                    estimated=row[12],
                    current_charges=row[13],
                )
                bill_id = bill.pk
            _insert_lines(cursor, _line_rows(bill_id, priced))
        else:
            bill_id = bill.pk if bill is not None else None
        stale = BillException.objects.filter(
            run=run, account_id=account_id, status=ExceptionStatus.OPEN, kind__in=RECHECKED_KINDS
        ).exclude(kind__in=still)
        stale.update(status=ExceptionStatus.RESOLVED, resolved_at=timezone.now(), note=STALE_NOTE)
        _insert_exceptions(
            cursor, run, [(account_id, bill_id, kind, detail) for kind, detail in found]
        )
    BillException.objects.filter(run=run, account_id=account_id, bill__isnull=True).update(
        bill_id=bill_id
    )
    return Bill.objects.filter(pk=bill_id).first() if bill_id else None


# -- posting


def blocking_open(run: BillRun) -> int:
    return BillException.objects.filter(run=run, status=ExceptionStatus.OPEN, blocking=True).count()


@transaction.atomic
def _post_start(*, run_id: int, by, override_reason: str) -> tuple[BillRun, bool]:
    _require(by, Perm.RUN_BILLING, "post bill runs")
    run = _lock_run(run_id)
    if run.status in (Status.POSTED, Status.ISSUED):
        return run, False
    if run.status == Status.POSTING:
        return run, True  # resuming an interrupted posting
    if run.status not in (Status.AUDIT, Status.FAILED) or (
        run.status == Status.FAILED and run.calculated_at is None
    ):
        raise ValidationError("Only a run in audit can post.")
    blocking = blocking_open(run)
    override_reason = (override_reason or "").strip()
    if blocking:
        if not override_reason:
            raise ValidationError(
                f"{blocking} blocking exception{'s' if blocking != 1 else ''} still open: accept, "
                "hold or resolve them, or a supervisor may post with a reason."
            )
        if not by.has_perm(Perm.APPROVE_REQUESTS):
            raise ValidationError("Only a supervisor can post past open exceptions.")
        run.override_reason = override_reason[:255]
        run.override_by = by
    _move(run, Status.POSTING)
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
    while posting.post_chunk(run=run, by=by, chunk_size=chunk_size):
        # Each chunk has committed: the run is moving (what the stall check looks at).
        BillRun.objects.filter(pk=run_id).update(progress_at=timezone.now())
    return _post_finish(run_id=run_id)


@transaction.atomic
def _post_finish(*, run_id: int) -> BillRun:
    run = _lock_run(run_id)
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
        period.status = BillingPeriod.Status.BILLED
        period.save(update_fields=["status"])
    _move(run, Status.POSTED)
    run.posted_at = timezone.now()
    _refresh_counts(run)
    run.save(update_fields=["status", "posted_at", "bills_calculated", "exceptions_open"])
    return run


@transaction.atomic
def bill_run_fail(*, run_id: int, error: str) -> BillRun:
    """Mark a run failed (a task gave up); calculate or post may be started again."""
    run = _lock_run(run_id)
    if Status.FAILED in BillRun.ALLOWED_TRANSITIONS[run.status]:
        _move(run, Status.FAILED)
        run.error = error[:2000]
        run.save(update_fields=["status", "error"])
    return run


def bill_counts(run: BillRun) -> dict:
    return dict(
        Bill.objects.filter(run=run).values_list("status").annotate(n=Count("id")).order_by()
    )


def today() -> datetime.date:
    return timezone.localdate()
