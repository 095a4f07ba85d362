"""Builders of the hydrant rentals' tests: a contractor's temporary account, hydrants, meters in
stock, and permits made, approved and paid through the services."""

import datetime
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import ServiceAccount
from district.approvals.services import approval_approve
from hydrants.models import Hydrant, HydrantMeter, HydrantPermit
from hydrants.permits.services import permit_create, permit_submit
from tests.factories import ServiceAccountFactory, post_payment

_numbers = itertools.count(1)
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def today() -> datetime.date:
    return timezone.localdate()


def certificate(content: bytes = PDF, name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def temporary_account(**fields) -> ServiceAccount:
    return ServiceAccountFactory(customer_class=ServiceAccount.CustomerClass.TEMPORARY, **fields)


def hydrant(**fields) -> Hydrant:
    n = next(_numbers)
    fields.setdefault("number", f"H-{n:04d}")
    fields.setdefault("location", f"{100 + n} Quarry Rd")
    return Hydrant.objects.create(**fields)


def stocked_meter(*, size="3", tested_days_ago=30, **fields) -> HydrantMeter:
    n = next(_numbers)
    fields.setdefault("serial", f"HM-{n:05d}")
    fields.setdefault("replacement_cost", Decimal("1800.00"))
    tested = (
        today() - datetime.timedelta(days=tested_days_ago) if tested_days_ago is not None else None
    )
    return HydrantMeter.objects.create(size=size, last_tested_on=tested, **fields)


def permit_fields(**overrides) -> dict:
    start = today()
    fields = {
        "account": None,
        "hydrant": None,
        "meter_size": "3",
        "project_name": "Tract 5501 grading",
        "project_address": "Lot 12, Quarry Rd",
        "intended_use": HydrantPermit.IntendedUse.CONSTRUCTION,
        "starts_on": start,
        "ends_on": start + datetime.timedelta(days=90),
        "insurance_certificate": certificate(),
        "insurance_carrier": "Golden State Mutual",
        "insurance_policy_number": "gl-778812",
        "insurance_expires_on": start + datetime.timedelta(days=365),
    }
    fields.update(overrides)
    if fields["account"] is None:
        fields["account"] = temporary_account()
    if fields["hydrant"] is None:
        fields["hydrant"] = hydrant()
    return fields


def draft_permit(by, **overrides) -> HydrantPermit:
    return permit_create(by=by, **permit_fields(**overrides))


def approved_permit(by, approver, **overrides) -> HydrantPermit:
    """Drafted and sent by `by`, every required approval given by `approver`."""
    permit = permit_submit(permit=draft_permit(by, **overrides), by=by)
    for request in (permit.operations_approval, permit.fire_approval):
        if request is not None:
            approval_approve(request_id=request.pk, by=approver)
    permit.refresh_from_db()
    return permit


def pay(permit: HydrantPermit, amount: Decimal | None = None) -> None:
    post_payment(permit.account, amount or permit.permit_fee + permit.deposit_amount)


def paid_permit(by, approver, **overrides) -> HydrantPermit:
    permit = approved_permit(by, approver, **overrides)
    pay(permit)
    return permit
