"""The bill audit: what a person does with a run's exceptions before it posts.

Accept (the bill stands), hold (the run posts without it), correct the read (the bill is
calculated again), or ask the field for a re-read or a leak investigation (the bill is held
until the order is completed: `audit_order_completed` then recalculates and releases it).
"""

from django.db import transaction
from django.utils import timezone

from billing.bill_runs.services.chunks import account_recalculate
from billing.bill_runs.services.runs import refresh_counts
from billing.models import Bill, BillException, BillRun
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition
from field_ops.models import MeterRead, WorkOrder
from field_ops.services.reads import read_correct
from field_ops.work_orders.services import work_order_create

Status = BillRun.Status
ExceptionStatus = BillException.Status
AUDIT_ORDER_TYPES = (WorkOrder.Type.RE_READ, WorkOrder.Type.LEAK_INVESTIGATION)


def _lock_exception(exception_id: int) -> BillException:
    try:
        exception = (
            BillException.objects.select_for_update(of=("self",))
            .select_related("run", "run__period", "account", "bill")
            .get(pk=exception_id)
        )
    except BillException.DoesNotExist:
        raise ServiceError("There is no such exception.") from None
    if exception.run.status not in (Status.AUDIT, Status.CALCULATING):
        raise ServiceError("The run is past its audit: its exceptions can no longer change.")
    return exception


def _lock_open_exception(exception_id: int) -> BillException:
    exception = _lock_exception(exception_id)
    if exception.status != ExceptionStatus.OPEN:
        raise ServiceError("This exception is no longer open.")
    return exception


def _close(exception: BillException, *, status: str, by, note: str) -> None:
    exception.status = status
    exception.resolved_by = by
    exception.resolved_at = timezone.now()
    exception.note = (note or "").strip()[:255]
    exception.save(update_fields=["status", "resolved_by", "resolved_at", "note"])


def _save_counts(run: BillRun) -> None:
    run = BillRun.objects.select_for_update().get(pk=run.pk)
    refresh_counts(run)
    run.save(update_fields=["bills_calculated", "exceptions_open"])


def _hold_bill(bill: Bill | None) -> None:
    if bill is None:
        return
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != Bill.Status.HELD:
        transition(bill, Bill.Status.HELD, verb="held")
        bill.save(update_fields=["status"])


@transaction.atomic
def bill_exception_accept(*, exception_id: int, by, note: str = "") -> BillException:
    """Accept an exception: the bill is right as it stands."""
    require(by, Perm.RUN_BILLING, doing="clear bill exceptions")
    exception = _lock_open_exception(exception_id)
    _close(exception, status=ExceptionStatus.ACCEPTED, by=by, note=note)
    _save_counts(exception.run)
    return exception


@transaction.atomic
def bill_exception_hold(*, exception_id: int, by, note: str = "") -> BillException:
    """Hold the exception's bill: the run posts without it."""
    require(by, Perm.RUN_BILLING, doing="hold bills")
    exception = _lock_open_exception(exception_id)
    if exception.bill is None:
        raise ServiceError("There is no bill to hold for this account.")
    _hold_bill(exception.bill)
    _close(exception, status=ExceptionStatus.HELD, by=by, note=note)
    _save_counts(exception.run)
    return exception


@transaction.atomic
def bill_exception_correct_read(*, exception_id: int, by, reading, reason: str) -> BillException:
    """Correct the bill's current read (with a reason) and recalculate the account's bill."""
    require(by, Perm.RUN_BILLING, doing="correct reads from the bill audit")
    exception = _lock_exception(exception_id)
    if exception.status not in (ExceptionStatus.OPEN, ExceptionStatus.HELD):
        raise ServiceError("This exception is already closed.")
    bill = exception.bill
    if bill is None or bill.current_read_id is None:
        raise ServiceError("There is no read on a bill to correct; enter the read instead.")
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
    require(by, Perm.RUN_BILLING, doing="request field work from the bill audit")
    if order_type not in AUDIT_ORDER_TYPES:
        raise ServiceError("Choose a re-read or a leak investigation.")
    exception = _lock_open_exception(exception_id)
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
