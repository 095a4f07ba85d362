"""Bill runs: create -> calculate (in chunks) -> audit -> post, one service per step.

State plus a queue: the run's status says where it is, chunk tasks do the work, and every
count on the run is recomputed from the bills and exceptions (never incremented), so a crashed
or redelivered task is harmless: a chunk skips the accounts already billed in the run, and the
one-live-bill-per-account-and-period constraint catches a race (INSERT ... ON CONFLICT DO
NOTHING). Tasks are dispatched after the run's state has committed.

`runs` holds the run's own steps, `chunks` the calculation of its bills, `review` the bill
audit's actions on its exceptions; callers import them from here.
"""

from billing.bill_runs.services.chunks import (
    RECHECKED_KINDS,
    STALE_NOTE,
    account_recalculate,
    bill_run_calculate_chunk,
)
from billing.bill_runs.services.review import (
    AUDIT_ORDER_TYPES,
    audit_order_completed,
    bill_exception_accept,
    bill_exception_correct_read,
    bill_exception_hold,
    bill_exception_request_order,
)
from billing.bill_runs.services.runs import (
    CALCULATE_CHUNK_TASK,
    CALCULATE_TASK,
    CHUNK_SIZE,
    POST_TASK,
    bill_counts,
    bill_run_calculate,
    bill_run_calculation_check,
    bill_run_create,
    bill_run_fail,
    bill_run_post,
    bill_run_post_bills,
    blocking_open,
    lock_run,
    run_accounts,
    today,
)

__all__ = [
    "AUDIT_ORDER_TYPES",
    "CALCULATE_CHUNK_TASK",
    "CALCULATE_TASK",
    "CHUNK_SIZE",
    "POST_TASK",
    "RECHECKED_KINDS",
    "STALE_NOTE",
    "account_recalculate",
    "audit_order_completed",
    "bill_counts",
    "bill_exception_accept",
    "bill_exception_correct_read",
    "bill_exception_hold",
    "bill_exception_request_order",
    "bill_run_calculate",
    "bill_run_calculate_chunk",
    "bill_run_calculation_check",
    "bill_run_create",
    "bill_run_fail",
    "bill_run_post",
    "bill_run_post_bills",
    "blocking_open",
    "lock_run",
    "run_accounts",
    "today",
]
