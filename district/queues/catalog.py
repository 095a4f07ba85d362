"""Every queue on the supervisor's page, in the order a supervisor works them.

One list, in district, rather than a registration in each app: the page is the supervisor's,
its order and words are decided together here, and a count is a read (a dotted path resolved
at call time), so listing billing's queues here imports nothing from billing.
"""

from district.queues.registry import Queue
from district.roles import Perm

_COUNTS = "district.queues.counts"

QUEUE_CATALOG = (
    Queue(
        "approvals", "Approvals waiting", "approvals:queue", Perm.APPROVE_REQUESTS,
        f"{_COUNTS}.approvals_waiting", order=10,
    ),
    Queue(
        "csr1-review", "CSR I work to review", "review:queue", Perm.APPROVE_REQUESTS,
        f"{_COUNTS}.csr1_review", order=15,
    ),
    Queue(
        "bill-run-audits", "Bill runs waiting in audit", "billing:bill_runs", Perm.RUN_BILLING,
        f"{_COUNTS}.bill_runs_in_audit", order=20,
    ),
    Queue(
        "bill-runs-stalled", "Bill runs stalled", "billing:bill_runs", Perm.RUN_BILLING,
        f"{_COUNTS}.bill_runs_stalled", order=21,
    ),
    Queue(
        "cases-past-due", "Cases past due", "accounts:case_queue", Perm.VIEW_CUSTOMER_CONTACTS,
        f"{_COUNTS}.cases_past_due", order=30,
    ),
    Queue(
        "shutoff-lists", "Shut-off lists waiting for approval", "shutoffs:index",
        Perm.APPROVE_REQUESTS, f"{_COUNTS}.shutoff_lists_to_approve", order=40,
    ),
    Queue(
        "drawer-differences", "Drawer over/short waiting for review", "payments:cash_day",
        Perm.BALANCE_CASH, f"{_COUNTS}.drawer_differences", order=50,
    ),
    Queue(
        "batch-exceptions", "Payment batch exceptions", "payments:batch_exceptions",
        Perm.TAKE_PAYMENTS, f"{_COUNTS}.batch_exceptions", order=51,
    ),
    Queue(
        "bank-exceptions", "Bank reconciliation exceptions", "payments:bank_exceptions",
        Perm.RECONCILE_BANK, f"{_COUNTS}.bank_exceptions", order=52,
    ),
    Queue(
        "online-payments-unknown", "Online payments with an unknown outcome",
        "payments:online_payments", Perm.VIEW_LEDGER,
        "payments.online.selectors.online_payments_to_review", url_query="review=1", order=53,
    ),
    Queue(
        "refunds", "Refunds waiting for approval", "approvals:queue", Perm.APPROVE_REQUESTS,
        f"{_COUNTS}.refunds_waiting", order=60,
    ),
    Queue(
        "arrangements", "Payment arrangements pending", "approvals:queue", Perm.APPROVE_REQUESTS,
        f"{_COUNTS}.arrangements_pending", url_query="kind=payment-arrangement", order=61,
    ),
    Queue(
        "write-offs", "Write-offs pending", "writeoffs:proposals", Perm.VIEW_REPORTS,
        f"{_COUNTS}.write_offs_pending", order=62,
    ),
    Queue(
        "portal-requests", "Online service requests", "portal:staff_requests",
        Perm.START_STOP_SERVICE, "portal.selectors.requests_waiting_count_and_oldest", order=65,
    ),
    Queue(
        "phone-attempts", "Collection calls due", "collections:queue", Perm.VIEW_ACCOUNTS,
        f"{_COUNTS}.phone_attempts_due", order=70,
    ),
)  # fmt: skip
