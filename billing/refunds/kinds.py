"""The words of credit refunds that services, reads and the refund register share.

Two places ask for a refund of an account's credit, and both file one kind of request:
- the counter (payments.refunds): a CSR, for an overpayment on an active or final account;
- the final-bill step (billing.final_bills): the credit a final bill and its deposit leave.
Where a request came from (its origin) still decides the words of its journal and the journal's
key, so the refund register tells the two apart as it always has.
"""

from django.db import models

from accounts.models import ServiceAccount

# The one kind filed now.
REFUND_KIND = "credit-balance-refund"
# The final-bill step's kind until both origins shared one; requests of it filed before then
# are still approved (by the same handler).
FINAL_CREDIT_KIND = "credit_refund"
REQUEST_KINDS = (REFUND_KIND, FINAL_CREDIT_KIND)

REFUNDABLE_STATUSES = (ServiceAccount.Status.ACTIVE, ServiceAccount.Status.FINAL)


class Origin(models.TextChoices):
    """Who asked; the label is the refund register's "source" of the posted refund."""

    COUNTER = "counter", "Credit balance"
    FINAL_BILL = "final_bill", "Final bill credit"


# The refund journal's idempotency key is "<prefix><approval request id>".
JOURNAL_KEY_PREFIX = {
    Origin.COUNTER: "credit-balance-refund:",
    Origin.FINAL_BILL: "credit-refund:",
}


def origin_of(request) -> Origin:
    """A request's origin: written in its details, else known from its kind (older requests)."""
    recorded = (request.payload or {}).get("origin")
    if recorded in Origin.values:
        return Origin(recorded)
    return Origin.FINAL_BILL if request.kind == FINAL_CREDIT_KIND else Origin.COUNTER


def refund_journal_key(origin: Origin, request_id: int) -> str:
    return f"{JOURNAL_KEY_PREFIX[origin]}{request_id}"


def origin_of_journal_key(key: str) -> Origin | None:
    for origin, prefix in JOURNAL_KEY_PREFIX.items():
        if key.startswith(prefix):
            return origin
    return None
