"""Reads of payment batches: the list, one batch's items and running totals, the exceptions.

Each is a fixed number of queries whatever the number of batches or items.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from district.money import ZERO
from payments.models import BatchItem, PaymentBatch

_MONEY = DecimalField(max_digits=12, decimal_places=2)


def batch_list(*, limit: int = 200) -> list[PaymentBatch]:
    """The latest batches with their entered count and total, who created and who posted them."""
    return list(
        PaymentBatch.objects.select_related("created_by", "posted_by")
        .annotate(
            entered_count=Count("items"),
            entered_total=Coalesce(Sum("items__amount"), Value(ZERO), output_field=_MONEY),
            exception_count=Count("items", filter=Q(items__status=BatchItem.Status.EXCEPTION)),
        )
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class BatchTotals:
    control_count: int
    control_total: Decimal
    entered_count: int
    entered_total: Decimal

    @property
    def count_difference(self) -> int:
        return self.entered_count - self.control_count

    @property
    def total_difference(self) -> Decimal:
        return self.entered_total - self.control_total

    @property
    def balanced(self) -> bool:
        return self.count_difference == 0 and self.total_difference == 0


def batch_items(batch: PaymentBatch) -> QuerySet[BatchItem]:
    return batch.items.select_related("account", "entered_by", "resolved_by", "payment").order_by(
        "position"
    )


def batch_totals(batch: PaymentBatch, items=None) -> BatchTotals:
    """Entered against control (from the items already fetched when given)."""
    if items is None:
        figures = batch.items.aggregate(count=Count("id"), total=Sum("amount"))
        count, total = figures["count"], figures["total"] or ZERO
    else:
        count, total = len(items), sum((item.amount for item in items), ZERO)
    return BatchTotals(
        control_count=batch.control_count,
        control_total=batch.control_total,
        entered_count=count,
        entered_total=total,
    )


def exception_items() -> QuerySet[BatchItem]:
    """Unmatched file payments awaiting a CSR, oldest first."""
    return (
        BatchItem.objects.filter(status=BatchItem.Status.EXCEPTION)
        .select_related("batch")
        .order_by("batch__created_at", "batch_id", "position")
    )


def recently_resolved(*, limit: int = 20) -> QuerySet[BatchItem]:
    return (
        BatchItem.objects.filter(status=BatchItem.Status.RESOLVED)
        .select_related("batch", "account", "resolved_by")
        .order_by("-resolved_at")[:limit]
    )
