"""Builders of hydrant usage tests: a hydrant rate schedule, and a contractor with a meter out on
an active permit whose deposit is charged (and paid) through the ledger."""

import datetime
import itertools
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.deposits.services.charging import post_charge
from accounts.models import Deposit, DepositGuideline, ServiceAccount
from billing.rates.services import rate_version_load
from hydrants.models import (
    Hydrant,
    HydrantInspection,
    HydrantInspectionPhoto,
    HydrantMeter,
    HydrantPermit,
    MeterIssue,
)
from tests.factories import (
    PremiseFactory,
    ServiceAccountFactory,
    UserFactory,
    new_key,
    post_payment,
)

# A small schedule with a rate for the temporary (hydrant) class, and another for everyone else
# so a bill priced with the wrong class shows.
HYDRANT_RATES = """\
format: 1
schedule: hydrant
name: Hydrant water (test)
effective_from: 2025-01-01
unit: hcf
period: month
volumetric:
  description: Hydrant water
  sets:
    - when: {classes: [temporary]}
      tiers: [{rate: "6.8250"}]
  tiers: [{rate: "9.9999"}]
"""
_numbers = itertools.count(1)


def load_hydrant_rates(by=None):
    version, _created = rate_version_load(source=HYDRANT_RATES, by=by or UserFactory())
    return version


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def meter_out(
    *,
    issued_on=datetime.date(2026, 1, 1),
    start_read="0",
    size="3",
    unit="hcf",
    deposit="1000.00",
    paid=True,
    replacement_cost="1800.00",
    restricted_from=None,
    account=None,
) -> MeterIssue:
    """A meter out on an active permit of a temporary account, its deposit charged and paid."""
    n = next(_numbers)
    user = UserFactory()
    account = account or ServiceAccountFactory(
        customer_class=ServiceAccount.CustomerClass.TEMPORARY
    )
    hydrant = Hydrant.objects.create(
        number=f"H-T{n:04d}",
        location=f"{n} Quarry Rd",
        premise=PremiseFactory(),
        restricted_from_drought_stage=restricted_from,
    )
    meter = HydrantMeter.objects.create(
        serial=f"HM-T{n:05d}",
        size=size,
        unit=unit,
        status=HydrantMeter.Status.ISSUED,
        last_tested_on=issued_on,
        replacement_cost=Decimal(replacement_cost),
    )
    held = None
    if Decimal(deposit):
        held = Deposit.objects.create(
            account=account,
            guideline=DepositGuideline.objects.order_by("pk").first(),
            basis=Deposit.Basis.CLASS_AND_SIZE,
            amount=Decimal(deposit),
            explanation="Hydrant meter deposit",
            status=Deposit.Status.CHARGED,
            charged_on=issued_on,
            created_by=user,
        )
        journal = post_charge(held, by=user, key=new_key("hydrant-deposit"))
        held.charge_journal_id = journal.pk
        held.save(update_fields=["charge_journal_id"])
        if paid:
            post_payment(account, Decimal(deposit))
    permit = HydrantPermit.objects.create(
        number=f"HP-T{n:05d}",
        account=account,
        project_name="Tract 5501 grading",
        project_address="Lot 12, Quarry Rd",
        hydrant=hydrant,
        meter_size=size,
        intended_use=HydrantPermit.IntendedUse.CONSTRUCTION,
        starts_on=issued_on,
        ends_on=issued_on + datetime.timedelta(days=364),
        status=HydrantPermit.Status.ACTIVE,
        permit_fee=Decimal("100.00"),
        deposit_amount=Decimal(deposit),
        deposit=held,
        created_by=user,
    )
    return MeterIssue.objects.create(
        permit=permit,
        meter=meter,
        start_read=Decimal(start_read),
        issued_at=noon(issued_on),
        received_by_name="Sam Foreman",
        acknowledged=True,
        issued_by=user,
    )


def inspection_photo():
    """A returned meter's inspection with one PNG photo (for pages that show a photo)."""
    issue = meter_out()
    issue.returned_at = issue.issued_at
    issue.save(update_fields=["returned_at"])
    inspection = HydrantInspection.objects.create(
        issue=issue,
        inspected_on=timezone.localdate(issue.issued_at),
        meter_test_result=HydrantInspection.TestResult.PASS,
        accuracy_percent=Decimal("99.50"),
        backflow_test_result=HydrantInspection.BackflowResult.PASS,
        inspected_by=issue.issued_by,
    )
    photo = HydrantInspectionPhoto(
        inspection=inspection,
        original_name="meter.png",
        content_type="image/png",
        size_bytes=8,
        uploaded_by=issue.issued_by,
    )
    photo.file.save("meter.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return photo
