"""Sending a permit for approval, and what each approval kind does when decided.

Water operations approves every permit; the fire department too when the permit needs it (the
hydrant, the district's policy or the CSR asks). Both are requests in the review queue, decided
by someone other than the CSR who sent them (the supervisor records the fire department's
sign-off). The permit is approved when the last required approval comes in; its fee and deposit
are charged then, in the same transaction. One rejection rejects the permit.
"""

from django.db import transaction
from django.utils import timezone

from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition
from hydrants.models import HydrantPermit
from hydrants.permits import rules
from hydrants.permits.services.charges import permit_charges_post
from hydrants.permits.services.creating import lock_permit

Status = HydrantPermit.Status
OPERATIONS_KIND = "hydrant-permit-operations"
FIRE_KIND = "hydrant-permit-fire"
KIND_LABELS = {
    OPERATIONS_KIND: "Water operations",
    FIRE_KIND: "Fire department",
}


def _summary(permit: HydrantPermit) -> dict:
    return {
        "permit_id": permit.pk,
        "permit": permit.number,
        "contractor": permit.account.customer.display_name[:120],
        "account": permit.account.formatted_number,
        "hydrant": permit.hydrant.number,
        "project": permit.project_name,
        "use": permit.get_intended_use_display(),
        "meter_size": permit.get_meter_size_display(),
        "starts_on": permit.starts_on.isoformat(),
        "ends_on": permit.ends_on.isoformat(),
    }


def _file(permit: HydrantPermit, kind: str, by) -> ApprovalRequest:
    who = KIND_LABELS[kind].lower()
    return approval_request_create(
        kind=kind,
        by=by,
        reason=(
            f"Hydrant permit {permit.number} for {permit.project_name} at {permit.hydrant}, "
            f"{permit.starts_on:%m/%d/%Y} to {permit.ends_on:%m/%d/%Y}: {who} approval."
        ),
        payload=_summary(permit),
        target=permit,
        idempotency_key=f"{kind}:{permit.pk}",
    )


@transaction.atomic
def permit_submit(*, permit: HydrantPermit, by) -> HydrantPermit:
    """Send a draft permit for approval: water operations always, the fire department when
    the permit needs it. The drought stage and the insurance are checked again now."""
    require(by, Perm.HYDRANT_RENTALS, doing="send hydrant permits for approval")
    permit = lock_permit(permit)
    transition(permit, Status.PENDING_APPROVAL, verb="sent for approval")
    rules.check_hydrant(permit.hydrant)
    today = timezone.localdate()
    if permit.ends_on < today:
        raise ServiceError(f"{permit} ended on {permit.ends_on:%m/%d/%Y}: make a new permit.")
    rules.check_insurance(
        certificate=permit.insurance_certificate,
        carrier=permit.insurance_carrier,
        policy_number=permit.insurance_policy_number,
        expires_on=permit.insurance_expires_on,
        ends_on=permit.ends_on,
    )
    permit.fire_department_required = rules.fire_review_needed(
        permit.hydrant, permit.fire_department_required
    )
    permit.submitted_at = timezone.now()
    permit.operations_approval = _file(permit, OPERATIONS_KIND, by)
    if permit.fire_department_required:
        permit.fire_approval = _file(permit, FIRE_KIND, by)
    with acting_user(by):
        permit.save(
            update_fields=[
                "status",
                "submitted_at",
                "fire_department_required",
                "operations_approval",
                "fire_approval",
            ]
        )
    return permit


def required_approvals(permit: HydrantPermit) -> list[ApprovalRequest | None]:
    return [permit.operations_approval] + (
        [permit.fire_approval] if permit.fire_department_required else []
    )


def _permit_of(request: ApprovalRequest) -> HydrantPermit:
    permit_id = (request.payload or {}).get("permit_id")
    permit = HydrantPermit.objects.filter(pk=permit_id).first()
    if permit is None:
        raise ServiceError("The permit this request is about no longer exists: reject it.")
    return lock_permit(permit)


def permit_approval_approve(request: ApprovalRequest, decider) -> dict:
    """One required approval in; the last one approves the permit and charges its fee and
    deposit (all inside the decision's transaction: a refusal leaves the request pending)."""
    permit = _permit_of(request)
    if not permit.is_pending_approval:
        raise ServiceError(
            f"{permit} is {permit.get_status_display().lower()}: reject this request instead."
        )
    rules.check_hydrant(permit.hydrant)
    waiting = [
        KIND_LABELS[other.kind]
        for other in required_approvals(permit)
        if other is not None
        and other.pk != request.pk
        and other.status != ApprovalRequest.Status.APPROVED
    ]
    if waiting:
        return {"permit": permit.number, "waiting_for": ", ".join(waiting)}
    transition(permit, Status.APPROVED, verb="approved")
    permit.approved_at = timezone.now()
    with acting_user(decider):
        permit.save(update_fields=["status", "approved_at"])
    permit_charges_post(permit, decider)
    return {
        "permit": permit.number,
        "approved": True,
        "permit_fee": str(permit.permit_fee),
        "deposit": str(permit.deposit_amount),
    }


def permit_approval_reject(request: ApprovalRequest, by) -> None:
    """A required approval turned down rejects the permit (withdrawn with a cancelled permit:
    nothing more to do)."""
    permit = _permit_of(request)
    if not permit.is_pending_approval:
        return
    if request.requested_by_id == getattr(by, "pk", None):
        # Withdrawn by the CSR who sent it: the permit cannot be approved without it.
        transition(permit, Status.CANCELLED, verb="cancelled")
        permit.closed_reason = f"{KIND_LABELS[request.kind]} approval request withdrawn."
    else:
        transition(permit, Status.REJECTED, verb="rejected")
        permit.closed_reason = f"{KIND_LABELS[request.kind]} approval turned down."
    with acting_user(by):
        permit.save(update_fields=["status", "closed_reason"])


def permit_approval_describe(request: ApprovalRequest) -> str:
    """Shown on the request's page; read from the request's own details (no query)."""
    details = request.payload or {}
    return (
        f"Hydrant permit {details.get('permit', '?')}: {details.get('contractor', '?')} "
        f"(account {details.get('account', '?')}), {details.get('project', '?')}; hydrant "
        f"{details.get('hydrant', '?')}, {details.get('meter_size', '?')} meter for "
        f"{str(details.get('use', '?')).lower()}, {details.get('starts_on', '?')} to "
        f"{details.get('ends_on', '?')}."
    )
