"""Builders of URL arguments and POST-only page names of hydrant permits and the fleet (merged
by the access matrix)."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import ServiceAccount
from hydrants.models import Hydrant, HydrantMeter, HydrantPermit
from tests.factories import ServiceAccountFactory


def _hydrant() -> Hydrant:
    return Hydrant.objects.create(
        number=f"H-S{Hydrant.objects.count() + 1:05d}", location="1 Sample Rd"
    )


def sample_permit() -> HydrantPermit:
    """A draft permit with its certificate on file (the certificate page answers 200)."""
    today = timezone.localdate()
    permit = HydrantPermit.objects.create(
        number=f"HP-S{HydrantPermit.objects.count() + 1:05d}",
        account=ServiceAccountFactory(customer_class=ServiceAccount.CustomerClass.TEMPORARY),
        project_name="Sample project",
        project_address="1 Sample Rd",
        hydrant=_hydrant(),
        meter_size="3",
        intended_use=HydrantPermit.IntendedUse.CONSTRUCTION,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        insurance_carrier="Sample Mutual",
        insurance_policy_number="S-1",
        insurance_expires_on=today + datetime.timedelta(days=365),
        permit_fee=Decimal("200.00"),
        deposit_amount=Decimal("2500.00"),
    )
    permit.insurance_certificate.save(
        f"{permit.number}-insurance.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=True
    )
    return permit


SAMPLE_KWARGS: dict = {
    "hydrant_meter_id": lambda: (
        HydrantMeter.objects.create(
            serial=f"HM-S{HydrantMeter.objects.count() + 1:05d}",
            size="3",
            replacement_cost=Decimal("1800.00"),
        ).pk
    ),
    "hydrant_id": lambda: _hydrant().pk,
    "hydrant_permit_id": lambda: sample_permit().pk,
}
POST_ONLY: set = {
    "hydrants:meter_move",
    "hydrants:permit_submit",
    "hydrants:permit_cancel",
    "hydrants:permit_renew",
}
