"""Reads of online payments: the staff list and the review queue's count."""

from django.db.models import QuerySet

from district.queues.registry import count_and_oldest
from payments.models import OnlinePayment


def online_payments(*, status: str = "", review: bool = False) -> QuerySet[OnlinePayment]:
    """Online payments, newest first, with their account and customer (one query a page)."""
    payments = OnlinePayment.objects.select_related(
        "account", "account__customer", "batch_item"
    ).order_by("-created_at", "-pk")
    if status:
        payments = payments.filter(status=status)
    if review:
        payments = payments.filter(status=OnlinePayment.Status.UNKNOWN, review_since__isnull=False)
    return payments


def online_payments_to_review():
    """The review queue's count and oldest (district.queues.catalog)."""
    return count_and_oldest(online_payments(review=True), "review_since")


def account_online_payment(account, payment_id) -> OnlinePayment | None:
    return OnlinePayment.objects.filter(account=account, pk=payment_id).first()
