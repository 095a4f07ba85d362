"""Which CSR I work is reviewed: the kinds of record, and the deterministic sample.

The kinds (each a model of an app above district, named by label so nothing imports upward):
- counter payments taken (payments.Payment, channel counter, taken_by): cash at the window;
- mail batch items entered (payments.BatchItem, entered_by): a mis-keyed amount or account
  posts someone's money to someone else;
- service starts (accounts.ServiceAccount, created_by) and stops (accounts.StopRequest,
  requested_by): who gets billed from when, and the final bill;
- deposits set at a start (accounts.Deposit, created_by): the amount charged, or a waiver.
Left out on purpose: refunds, deposit waivers' approvals, voids and adjustments over limit are
already decided one by one by a supervisor (approvals), and a CSR I cannot adjust bills.

The sample, per CSR I and day: their records ranked by a hash of the record (kind and id), and
the first percent of them (rounded up, so anyone with work that day has some of it reviewed).
The same records always give the same sample (anyone can recompute it), a CSR I cannot pick
which records are looked at, and every record has the same chance whatever its time, amount or
kind. Records at or over the review amount are reviewed besides the sample.
"""

import hashlib
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Q

PERCENT_POLICY = "csr1-review-percent"
AMOUNT_POLICY = "csr1-review-amount"
# Used until the policies exist (the post_migrate receiver creates them).
PERCENT_DEFAULT = Decimal("10")
AMOUNT_DEFAULT = Decimal("500.00")


@dataclass(frozen=True)
class ReviewSource:
    kind: str
    label: str
    model: str  # "app_label.Model"
    done_by_field: str
    done_at_field: str  # a DateTimeField
    amount_field: str | None = None
    condition: Q = Q()


REVIEW_SOURCES = (
    ReviewSource(
        "counter-payment", "Counter payment", "payments.Payment", "taken_by", "received_at",
        "total", Q(channel="counter"),
    ),
    ReviewSource(
        "batch-item", "Mail batch item", "payments.BatchItem", "entered_by", "entered_at",
        "amount",
    ),
    ReviewSource(
        "service-start", "Service start", "accounts.ServiceAccount", "created_by", "created_at",
    ),
    ReviewSource(
        "service-stop", "Service stop", "accounts.StopRequest", "requested_by", "requested_at",
    ),
    ReviewSource(
        "deposit", "Deposit set", "accounts.Deposit", "created_by", "created_at", "amount",
    ),
)  # fmt: skip


def sample_rank(kind: str, object_id: int) -> bytes:
    """The record's place in the sampling order: SHA-256 of "kind:id"."""
    return hashlib.sha256(f"{kind}:{object_id}".encode()).digest()


def sample_size(count: int, percent: Decimal) -> int:
    """How many of `count` records the percent asks for, rounded up."""
    return int((Decimal(count) * percent / 100).to_integral_value(rounding=ROUND_CEILING))


def pick_sample(records: list[tuple[str, int]], percent: Decimal) -> set[tuple[str, int]]:
    """The (kind, id) records of one person's day that the sample picks."""
    ranked = sorted(set(records), key=lambda record: sample_rank(*record))
    return set(ranked[: sample_size(len(ranked), percent)])
