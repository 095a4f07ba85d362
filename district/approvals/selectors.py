"""Reads of approval requests: the supervisor's queue, counts, a requester's recent requests."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from district.approvals import registry
from district.approvals.models import ApprovalRequest
from district.money import format_money

Status = ApprovalRequest.Status


def approval_queue(
    *,
    kind: str | None = None,
    older_than_days: int | None = None,
    min_amount: Decimal | None = None,
    max_amount: Decimal | None = None,
    status: str | None = Status.PENDING,
) -> QuerySet[ApprovalRequest]:
    """Requests oldest first (the order a supervisor works them); status=None means any status."""
    requests = ApprovalRequest.objects.select_related("requested_by", "decided_by")
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    if older_than_days:
        requests = requests.filter(
            requested_at__lte=timezone.now() - timedelta(days=older_than_days)
        )
    if min_amount is not None:
        requests = requests.filter(amount__gte=min_amount)
    if max_amount is not None:
        requests = requests.filter(amount__lte=max_amount)
    return requests.order_by("requested_at", "id")


def pending_count() -> int:
    return ApprovalRequest.objects.filter(status=Status.PENDING).count()


def oldest_pending(*, limit: int = 5) -> list[ApprovalRequest]:
    return list(approval_queue()[:limit])


def requests_of(user, *, limit: int = 10) -> list[ApprovalRequest]:
    """The user's most recent requests, newest first, with who decided them."""
    return list(
        ApprovalRequest.objects.filter(requested_by=user)
        .select_related("decided_by")
        .order_by("-requested_at", "-id")[:limit]
    )


def approval_detail(request_id: int) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.select_related("requested_by", "decided_by", "target_type")
        .filter(pk=request_id)
        .first()
    )


def approval_target(request: ApprovalRequest):
    """The record a request is about, or None (no record, or it has been removed)."""
    if request.target_type is None or not request.target_id:
        return None
    model = request.target_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=request.target_id).first()


@dataclass(frozen=True)
class ApprovalRow:
    """A request with the words a page shows for it (kind label, amount as $1,234.56)."""

    request: ApprovalRequest
    kind_label: str
    amount_text: str

    @property
    def outcome_note(self) -> str:
        """What the requester is told: the decider's reason, else the handler's message."""
        message = (self.request.result or {}).get("message", "")
        return self.request.decision_reason or str(message)


def approval_rows(requests) -> list[ApprovalRow]:
    return [
        ApprovalRow(
            request=request,
            kind_label=registry.label_for(request.kind),
            amount_text=format_money(request.amount) if request.amount is not None else "",
        )
        for request in requests
    ]
