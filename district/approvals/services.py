"""Approval requests: file, approve, reject, withdraw. Every guard is checked here, not in views."""

import json
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from district.approvals import registry
from district.approvals.models import ApprovalRequest
from district.errors import ServiceError, require
from district.money import parse_money
from district.roles import Perm
from district.transitions import transition

Status = ApprovalRequest.Status


def _plain(value, *, what: str) -> dict:
    """A dict that JSON can store (Decimal and dates become text), or a clear refusal."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ServiceError(f"The request's {what} must be a set of named values.")
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except TypeError:
        raise ServiceError(f"The request's {what} must be plain values (text, numbers).") from None


def _existing_for_key(*, idempotency_key: str, kind: str, by) -> ApprovalRequest | None:
    existing = (
        ApprovalRequest.objects.select_related("requested_by")
        .filter(idempotency_key=idempotency_key)
        .first()
    )
    if existing is not None and (existing.kind != kind or existing.requested_by_id != by.pk):
        raise ServiceError("That idempotency key was already used for a different request.")
    return existing


@transaction.atomic
def approval_request_create(
    *,
    kind: str,
    by,
    reason: str,
    amount: Decimal | None = None,
    payload: dict | None = None,
    target=None,
    idempotency_key: str | None = None,
) -> ApprovalRequest:
    """File a request for someone else to decide; a repeated idempotency key returns the first."""
    if registry.handler_for(kind) is None:
        raise ServiceError(f"“{kind}” is not a kind of request anyone can approve.")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why this needs approval."})
    if amount is not None:
        amount = parse_money(amount)
    request = ApprovalRequest(
        kind=kind,
        requested_by=by,
        reason=reason,
        amount=amount,
        payload=_plain(payload, what="details"),
        idempotency_key=idempotency_key or None,
    )
    if target is not None:
        if target.pk is None:
            raise ServiceError("The request's record must be saved first.")
        request.target_type = ContentType.objects.get_for_model(target)
        request.target_id = str(target.pk)
        request.target_label = str(target)[:200]
    if request.idempotency_key is None:
        request.save()
        return request
    # The unique constraint decides who was first; the savepoint keeps our transaction usable.
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        existing = _existing_for_key(idempotency_key=request.idempotency_key, kind=kind, by=by)
        if existing is None:
            raise
        return existing
    return request


def _locked(request_id) -> ApprovalRequest:
    try:
        return ApprovalRequest.objects.select_for_update().get(pk=request_id)
    except (ApprovalRequest.DoesNotExist, ValueError, TypeError):
        raise ServiceError("That request does not exist.") from None


def _check_transition(request: ApprovalRequest, to: str) -> None:
    if not request.can_move_to(to):
        raise ServiceError(
            f"This request is already {request.get_status_display().lower()}; "
            "only pending requests can be decided or withdrawn.",
            code="invalid_transition",
        )


def _check_decider(request: ApprovalRequest, by, to: str) -> None:
    _check_transition(request, to)
    if request.requested_by_id == by.pk:
        raise ServiceError("You cannot decide your own request.")
    require(by, Perm.APPROVE_REQUESTS, doing="approve or reject requests")


def _close(request: ApprovalRequest, *, status: str, by, reason: str, result=None) -> None:
    transition(request, status)
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    fields = ["status", "decided_by", "decided_at", "decision_reason"]
    if result is not None:
        request.result = result
        fields.append("result")
    request.save(update_fields=fields)


@transaction.atomic
def approval_approve(*, request_id: int, by, reason: str = "") -> ApprovalRequest:
    """Approve a pending request and carry it out through its kind's handler, all or nothing."""
    request = _locked(request_id)
    _check_decider(request, by, Status.APPROVED)
    handler = registry.handler_for(request.kind)
    if handler is None:
        raise ServiceError(
            f"No part of the portal carries out “{request.kind}” requests any more; reject it."
        )
    # A ValidationError from the handler rolls back this whole transaction: nothing changes.
    result = _plain(handler.approve(request, by), what="result")
    _close(request, status=Status.APPROVED, by=by, reason=(reason or "").strip(), result=result)
    return request


@transaction.atomic
def approval_reject(*, request_id: int, by, reason: str) -> ApprovalRequest:
    """Turn a pending request down, with the reason the requester will see."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the request is rejected."})
    request = _locked(request_id)
    _check_decider(request, by, Status.REJECTED)
    handler = registry.handler_for(request.kind)
    if handler is not None and handler.reject is not None:
        handler.reject(request, by)
    _close(request, status=Status.REJECTED, by=by, reason=reason)
    return request


@transaction.atomic
def approval_cancel(*, request_id: int, by) -> ApprovalRequest:
    """The requester withdraws their own pending request."""
    request = _locked(request_id)
    if request.requested_by_id != by.pk:
        raise ServiceError("Only the person who asked can withdraw a request.")
    _check_transition(request, Status.CANCELLED)
    handler = registry.handler_for(request.kind)
    if handler is not None and handler.reject is not None:
        handler.reject(request, by)
    transition(request, Status.CANCELLED)
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    return request
