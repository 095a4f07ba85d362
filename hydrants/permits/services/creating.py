"""Making a permit (and its renewal) and cancelling one."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_cancel
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition
from district.uploads import MEGABYTE, sniff_document
from hydrants.models import Hydrant, HydrantPermit
from hydrants.permits import rules
from hydrants.permits.services.charges import permit_charges_undo

Status = HydrantPermit.Status
MAX_CERTIFICATE_BYTES = 10 * MEGABYTE
CERTIFICATE_KINDS = "a PDF or a photo (JPEG, PNG or HEIC)"


def _today() -> datetime.date:
    return timezone.localdate()


def lock_permit(permit: HydrantPermit) -> HydrantPermit:
    return (
        HydrantPermit.objects.select_for_update(of=("self",))
        .select_related("account__customer", "account__premise", "hydrant", "deposit")
        .get(pk=permit.pk)
    )


def _check_certificate(upload) -> str | None:
    """The certificate's extension, read from its content (its name is not trusted)."""
    if not upload:
        return None
    size = upload.size or 0
    if size == 0:
        raise ServiceError({"insurance_certificate": "That file is empty. Choose it again."})
    if size > MAX_CERTIFICATE_BYTES:
        raise ServiceError(
            {"insurance_certificate": "That file is over 10 MB: scan the certificate smaller."}
        )
    upload.seek(0)
    sniffed = sniff_document(upload.read(32) or b"")
    upload.seek(0)
    if sniffed is None:
        raise ServiceError(
            {"insurance_certificate": f"Attach the certificate as {CERTIFICATE_KINDS}."}
        )
    return sniffed[1]


def _store_certificate(permit: HydrantPermit, upload, extension: str) -> None:
    permit.insurance_certificate.save(
        f"{permit.number}-insurance-{uuid.uuid4().hex[:8]}.{extension}", upload, save=False
    )


def _save_new(permit: HydrantPermit, by, *, upload=None, extension=None) -> HydrantPermit:
    """Insert, then number the permit from its id (HP-000123) and file its certificate."""
    permit.number = f"NEW-{uuid.uuid4().hex[:12]}"
    permit.full_clean(exclude=["insurance_certificate"])
    with acting_user(by):
        permit.save()
        permit.number = f"HP-{permit.pk:06d}"
        if upload is not None:
            _store_certificate(permit, upload, extension)
        permit.save(update_fields=["number", "insurance_certificate"])
    return permit


@transaction.atomic
def permit_create(
    *,
    by,
    account: ServiceAccount,
    hydrant: Hydrant,
    meter_size: str,
    project_name: str,
    project_address: str,
    intended_use: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    insurance_certificate,
    insurance_carrier: str,
    insurance_policy_number: str,
    insurance_expires_on: datetime.date,
    use_description: str = "",
    fire_department_required: bool = False,
) -> HydrantPermit:
    """Make a draft permit for a contractor's temporary account at a hydrant.

    Refused at a hydrant restricted at the drought stage in effect, for more than 12 months,
    and without insurance that lasts until the permit ends. The fee and deposit are fixed now
    (by the meter size's policies) and charged when the permit is approved.
    """
    require(by, Perm.HYDRANT_RENTALS, doing="make hydrant permits")
    if account is None:
        raise ServiceError({"account": "Enter the contractor's temporary account number."})
    if hydrant is None:
        raise ServiceError({"hydrant": "Choose the hydrant."})
    rules.check_account(account)
    rules.check_hydrant(hydrant)
    rules.check_dates(starts_on, ends_on, today=_today())
    carrier = " ".join((insurance_carrier or "").split())
    policy_number = " ".join((insurance_policy_number or "").split()).upper()
    rules.check_insurance(
        certificate=insurance_certificate,
        carrier=carrier,
        policy_number=policy_number,
        expires_on=insurance_expires_on,
        ends_on=ends_on,
    )
    extension = _check_certificate(insurance_certificate)
    charges = rules.size_charges(meter_size)
    permit = HydrantPermit(
        account=account,
        hydrant=hydrant,
        meter_size=meter_size,
        project_name=" ".join((project_name or "").split()),
        project_address=" ".join((project_address or "").split()),
        intended_use=intended_use,
        use_description=" ".join((use_description or "").split()),
        starts_on=starts_on,
        ends_on=ends_on,
        insurance_carrier=carrier,
        insurance_policy_number=policy_number,
        insurance_expires_on=insurance_expires_on,
        permit_fee=charges.permit_fee,
        deposit_amount=charges.deposit,
        fire_department_required=rules.fire_review_needed(hydrant, fire_department_required),
        status=Status.DRAFT,
        created_by=by,
    )
    if permit.intended_use == HydrantPermit.IntendedUse.OTHER and not permit.use_description:
        raise ServiceError({"use_description": "Describe what the water is for."})
    return _save_new(permit, by, upload=insurance_certificate, extension=extension)


@transaction.atomic
def permit_renew(
    *,
    permit: HydrantPermit,
    ends_on: datetime.date,
    by,
    insurance_certificate=None,
    insurance_carrier: str = "",
    insurance_policy_number: str = "",
    insurance_expires_on: datetime.date | None = None,
) -> HydrantPermit:
    """A new draft permit continuing an approved or active one from the day after it ends,
    linked back to it, with the same contractor, hydrant and meter size. It goes through
    approval again and is charged a new fee; the first permit's deposit carries over.
    The insurance on file is kept when it covers the renewal (else a new certificate)."""
    require(by, Perm.HYDRANT_RENTALS, doing="renew hydrant permits")
    previous = lock_permit(permit)
    if previous.status not in (Status.APPROVED, Status.ACTIVE):
        raise ServiceError(
            f"{previous} is {previous.get_status_display().lower()}: only an approved or "
            "active permit is renewed."
        )
    if HydrantPermit.objects.filter(renewal_of=previous).exists():
        raise ServiceError(f"{previous} is already renewed.")
    rules.check_account(previous.account)
    rules.check_hydrant(previous.hydrant)
    starts_on = max(previous.ends_on + datetime.timedelta(days=1), _today())
    rules.check_dates(starts_on, ends_on, today=_today(), earliest=starts_on)
    new_certificate = bool(insurance_certificate)
    fields = {
        "certificate": insurance_certificate or previous.insurance_certificate,
        "carrier": " ".join((insurance_carrier or "").split()) or previous.insurance_carrier,
        "policy_number": (
            " ".join((insurance_policy_number or "").split()).upper()
            or previous.insurance_policy_number
        ),
        "expires_on": insurance_expires_on or previous.insurance_expires_on,
    }
    rules.check_insurance(**fields, ends_on=ends_on)
    extension = _check_certificate(insurance_certificate) if new_certificate else None
    charges = rules.size_charges(previous.meter_size)
    renewal = HydrantPermit(
        account=previous.account,
        hydrant=previous.hydrant,
        meter_size=previous.meter_size,
        project_name=previous.project_name,
        project_address=previous.project_address,
        intended_use=previous.intended_use,
        use_description=previous.use_description,
        starts_on=starts_on,
        ends_on=ends_on,
        renewal_of=previous,
        insurance_certificate=None if new_certificate else previous.insurance_certificate.name,
        insurance_carrier=fields["carrier"],
        insurance_policy_number=fields["policy_number"],
        insurance_expires_on=fields["expires_on"],
        permit_fee=charges.permit_fee,
        deposit_amount=previous.deposit_amount,
        fire_department_required=previous.fire_department_required
        or rules.fire_review_needed(previous.hydrant, False),
        status=Status.DRAFT,
        created_by=by,
    )
    if new_certificate:
        return _save_new(renewal, by, upload=insurance_certificate, extension=extension)
    return _save_new(renewal, by)


def _withdraw(request: ApprovalRequest | None, by) -> None:
    """Withdraw a pending approval request its requester still can (others decide it and
    are told the permit is cancelled)."""
    if (
        request is not None
        and request.status == ApprovalRequest.Status.PENDING
        and request.requested_by_id == by.pk
    ):
        approval_cancel(request_id=request.pk, by=by)


@transaction.atomic
def permit_cancel(*, permit: HydrantPermit, reason: str, by) -> HydrantPermit:
    """Cancel a permit before its meter leaves: pending approvals are withdrawn, and an
    approved permit's fee is reversed and its deposit credited back to the account."""
    require(by, Perm.HYDRANT_RENTALS, doing="cancel hydrant permits")
    reason = " ".join((reason or "").split())
    permit = lock_permit(permit)
    was_approved = permit.is_approved
    transition(permit, Status.CANCELLED, verb="cancelled")
    if not reason:
        raise ServiceError({"reason": "Say why the permit is cancelled."})
    permit.closed_reason = reason[:255]
    with acting_user(by):
        permit.save(update_fields=["status", "closed_reason"])
    for request in (permit.operations_approval, permit.fire_approval):
        _withdraw(request, by)
    if was_approved:
        permit_charges_undo(permit, by, reason=reason)
    return permit
