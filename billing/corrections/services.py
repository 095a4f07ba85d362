"""Adjustments: every write, keyword-only and transactional (cancel and rebill: rebill.py).

Adjustments move money only through the ledger:
- a credit debits the revenue GL account of the adjusted charge and credits AR (the customer owes
  less); a debit is the reverse. The GL account follows the reason code (ADJUSTMENT_GL below).
- within the person's limit (district.policies.adjustment_limit_for) an adjustment posts at once;
  over it, it waits for approval (kind "bill_adjustment"), and posts when a supervisor approves.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import ServiceAccount
from billing.models import Adjustment
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.errors import ServiceError, require
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import format_money, parse_money
from district.policies import adjustment_limit_for
from district.roles import Perm
from district.transitions import transition

ADJUSTMENT_KIND = "bill_adjustment"
LEAK_KIND = "leak_adjustment"

# Which revenue GL account an adjustment moves, by reason code.
ADJUSTMENT_GL = {
    Adjustment.Reason.LEAK: Purpose.WATER_SALES_VOLUMETRIC,
    Adjustment.Reason.METER_ERROR: Purpose.WATER_SALES_VOLUMETRIC,
    Adjustment.Reason.BILLING_ERROR: Purpose.WATER_SALES_FIXED,
    Adjustment.Reason.FEE_WAIVER: Purpose.FEES_LATE,
    Adjustment.Reason.GOODWILL: Purpose.WATER_SALES_FIXED,
    Adjustment.Reason.CORRECTION: Purpose.WATER_SALES_FIXED,
}


def adjustment_gl(reason: str) -> str:
    return ADJUSTMENT_GL[reason]


def _adjustment_lines(adjustment: Adjustment) -> list[Line]:
    signed = (
        adjustment.amount
        if adjustment.direction == Adjustment.Direction.DEBIT
        else -adjustment.amount
    )
    memo = f"{adjustment.get_reason_display()}: {adjustment.memo}"[:255]
    return [
        Line(Purpose.AR_CUSTOMERS, signed, adjustment.account_id, memo),
        Line(adjustment_gl(adjustment.reason), -signed, None, memo),
    ]


def _post(adjustment: Adjustment, *, by) -> Adjustment:
    journal = journal_post(
        kind=Journal.Kind.ADJUSTMENT,
        memo=f"{adjustment.get_direction_display()} adjustment: {adjustment.memo}"[:255],
        lines=_adjustment_lines(adjustment),
        by=by,
        idempotency_key=f"adjustment:{adjustment.pk}",
        source=adjustment,
    )
    adjustment.journal_id = journal.pk
    transition(adjustment, Adjustment.Status.POSTED, verb="posted")
    adjustment.save(update_fields=["journal_id", "status"])
    return adjustment


def will_need_approval(*, by, amount: Decimal) -> bool:
    """Whether an adjustment of this amount by this person waits for approval."""
    limit = adjustment_limit_for(by)
    return limit is not None and amount > limit


def _clean(*, account, direction, reason, amount, memo, bill) -> tuple[Decimal, str]:
    errors = {}
    if direction not in Adjustment.Direction.values:
        errors["direction"] = "Choose credit or debit."
    if reason not in Adjustment.Reason.values:
        errors["reason"] = "Choose a reason code."
    value = None
    try:
        value = parse_money(amount)
    except ValidationError as error:
        errors["amount"] = error.messages
    else:
        if value <= 0:
            errors["amount"] = "Enter an amount above $0.00 (choose credit or debit for the sign)."
        elif value > Decimal("9999999999.99"):
            errors["amount"] = "The amount is too large."
    memo = (memo or "").strip()
    if not memo:
        errors["memo"] = "Say what the adjustment is for."
    elif len(memo) > 255:
        errors["memo"] = "Keep the memo under 255 characters."
    if bill is not None and bill.account_id != account.pk:
        errors["bill"] = "That bill belongs to another account."
    if errors:
        raise ServiceError(errors)
    return value, memo


def _existing(idempotency_key: str, *, account, by) -> Adjustment | None:
    existing = Adjustment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and (
        existing.account_id != account.pk or existing.requested_by_id != by.pk
    ):
        raise ServiceError("That request key was already used for another adjustment.")
    return existing


def _insert(adjustment: Adjustment, *, account, by) -> tuple[Adjustment, bool]:
    """Save a new adjustment, or return the first one of its key (the unique constraint decides)."""
    try:
        with transaction.atomic():
            adjustment.save()
    except IntegrityError:
        existing = _existing(adjustment.idempotency_key, account=account, by=by)
        if existing is None:
            raise
        return existing, False
    return adjustment, True


@transaction.atomic
def adjustment_create(
    *, account, direction, reason, amount, memo, by, idempotency_key, bill=None
) -> Adjustment:
    """Credit or debit an account: posts within the person's limit, otherwise goes to approval.

    A repeated key returns the first adjustment (nothing new written).
    """
    require(by, Perm.EDIT_ACCOUNTS, doing="adjust accounts")
    if not idempotency_key:
        raise ServiceError("A request key is required.")
    existing = _existing(idempotency_key, account=account, by=by)
    if existing is not None:
        return existing
    value, memo = _clean(
        account=account, direction=direction, reason=reason, amount=amount, memo=memo, bill=bill
    )
    if reason == Adjustment.Reason.LEAK:
        raise ServiceError(
            {"reason": "Leak adjustments are worked out on the leak adjustment page."}
        )
    ServiceAccount.objects.select_for_update().filter(pk=account.pk).first()
    needs_approval = will_need_approval(by=by, amount=value)
    adjustment, created = _insert(
        Adjustment(
            account=account,
            bill=bill,
            direction=direction,
            reason=reason,
            amount=value,
            memo=memo,
            status=Adjustment.Status.PENDING_APPROVAL,
            idempotency_key=idempotency_key,
            requested_by=by,
        ),
        account=account,
        by=by,
    )
    if not created:
        return adjustment
    if not needs_approval:
        return _post(adjustment, by=by)
    request = approval_request_create(
        kind=ADJUSTMENT_KIND,
        by=by,
        reason=f"{adjustment.get_direction_display()} of {format_money(value)} on account "
        f"{account.number} ({adjustment.get_reason_display().lower()}): {memo}",
        amount=value,
        payload={"adjustment_id": adjustment.pk, "account": account.number},
        target=adjustment,
        idempotency_key=f"adjustment-approval:{idempotency_key}"[:120],
    )
    adjustment.approval_request_id = request.pk
    adjustment.save(update_fields=["approval_request_id"])
    return adjustment


def file_for_approval(*, adjustment: Adjustment, kind: str, by, reason: str) -> Adjustment:
    """Attach an approval request to a saved pending adjustment (used by leak adjustments)."""
    request = approval_request_create(
        kind=kind,
        by=by,
        reason=reason,
        amount=adjustment.amount,
        payload={"adjustment_id": adjustment.pk, "account": adjustment.account.number},
        target=adjustment,
        idempotency_key=f"adjustment-approval:{adjustment.idempotency_key}"[:120],
    )
    adjustment.approval_request_id = request.pk
    adjustment.save(update_fields=["approval_request_id"])
    return adjustment


def _pending_for(request: ApprovalRequest, *, to: str) -> Adjustment:
    adjustment_id = (request.payload or {}).get("adjustment_id")
    adjustment = (
        Adjustment.objects.select_for_update()
        .select_related("account")
        .filter(pk=adjustment_id, approval_request_id=request.pk)
        .first()
    )
    if adjustment is None:
        raise ServiceError("The adjustment of this request no longer exists.")
    if not adjustment.can_move_to(to):
        raise ServiceError(f"The adjustment is already {adjustment.get_status_display().lower()}.")
    return adjustment


def adjustment_approve(request: ApprovalRequest, by) -> dict:
    """Approval handler: post the adjustment's journal (inside the decision's transaction)."""
    ServiceAccount.objects.select_for_update().filter(
        pk=Adjustment.objects.filter(pk=(request.payload or {}).get("adjustment_id")).values(
            "account_id"
        )[:1]
    ).first()
    adjustment = _post(_pending_for(request, to=Adjustment.Status.POSTED), by=by)
    return {"adjustment_id": adjustment.pk, "journal_id": adjustment.journal_id}


def adjustment_reject(request: ApprovalRequest, by) -> None:
    """Rejection (or withdrawal) handler: the adjustment is marked rejected; nothing posts."""
    adjustment = _pending_for(request, to=Adjustment.Status.REJECTED)
    transition(adjustment, Adjustment.Status.REJECTED, verb="rejected")
    adjustment.save(update_fields=["status"])


def adjustment_describe(request: ApprovalRequest) -> str:
    payload = request.payload or {}
    return f"Adjustment {payload.get('adjustment_id')} on account {payload.get('account', '')}"
