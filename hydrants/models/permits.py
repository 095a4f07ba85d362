"""Permits for temporary construction water, and the chain of custody of the meters lent."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Deposit, ServiceAccount
from district.approvals.models import ApprovalRequest
from district.money import MoneyField
from district.transitions import Transitions
from field_ops.models import Meter
from hydrants.models.inventory import Hydrant, HydrantMeter


def _insurance_path(instance, filename):
    # The stored name is the service's (content-checked type); never the sender's file name.
    return f"hydrant_permits/insurance/{filename}"


@pghistory.track()
class HydrantPermit(Transitions, models.Model):
    """Permission for a contractor's temporary account to draw water at one hydrant, for a
    stated project and period (at most 12 months; a renewal is a new permit linked back)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_APPROVAL = "pending_approval", "Awaiting approval"
        APPROVED = "approved", "Approved"
        ACTIVE = "active", "Active (meter issued)"
        RETURNED = "returned", "Meter returned"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"
        REJECTED = "rejected", "Rejected"

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.PENDING_APPROVAL, Status.CANCELLED},
        Status.PENDING_APPROVAL: {Status.APPROVED, Status.REJECTED, Status.CANCELLED},
        Status.APPROVED: {Status.ACTIVE, Status.CANCELLED},
        Status.ACTIVE: {Status.RETURNED},
        Status.RETURNED: {Status.CLOSED},
        Status.CLOSED: set(),
        Status.CANCELLED: set(),
        Status.REJECTED: set(),
    }
    OPEN_STATUSES = (Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED, Status.ACTIVE)

    class IntendedUse(models.TextChoices):
        CONSTRUCTION = "construction", "Construction (compaction, mixing)"
        DUST_CONTROL = "dust_control", "Dust control"
        PIPELINE_TESTING = "pipeline_testing", "Pipeline filling and testing"
        STREET_SWEEPING = "street_sweeping", "Street sweeping"
        LANDSCAPE = "landscape", "Landscape establishment"
        OTHER = "other", "Other (described)"

    number = models.CharField("permit number", max_length=20, unique=True)
    # The contractor's temporary ("Temporary / hydrant") account; its customer is the contractor.
    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="hydrant_permits"
    )
    project_name = models.CharField(max_length=120)
    project_address = models.CharField(max_length=200)
    hydrant = models.ForeignKey(Hydrant, on_delete=models.PROTECT, related_name="permits")
    # The meter size asked for: it sets the deposit and fee, and the meter issued must match.
    meter_size = models.CharField(max_length=6, choices=Meter.Size.choices)
    intended_use = models.CharField(max_length=20, choices=IntendedUse.choices)
    use_description = models.CharField(max_length=255, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    renewal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewed_by"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    insurance_certificate = models.FileField(upload_to=_insurance_path, blank=True)
    insurance_carrier = models.CharField(max_length=120, blank=True)
    insurance_policy_number = models.CharField(max_length=60, blank=True)
    insurance_expires_on = models.DateField(null=True, blank=True)

    # Amounts fixed when the permit is made (later policy changes do not touch it).
    permit_fee = MoneyField()
    deposit_amount = MoneyField()
    # The ledger journal that charged the fee (district.ledger Journal id), and the deposit
    # held for it (shared by a renewal, which carries the first permit's deposit).
    fee_journal_id = models.BigIntegerField(null=True, blank=True)
    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, null=True, blank=True, related_name="hydrant_permits"
    )

    fire_department_required = models.BooleanField(default=False)
    operations_approval = models.ForeignKey(
        ApprovalRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fire_approval = models.ForeignKey(
        ApprovalRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Why it was rejected or cancelled.
    closed_reason = models.CharField(max_length=255, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "ends_on"]),
            models.Index(fields=["status", "insurance_expires_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="hydrant_permit_ends_after_start",
                violation_error_message="The permit must end on or after its start date.",
            ),
            models.CheckConstraint(
                condition=Q(permit_fee__gte=0, deposit_amount__gte=0),
                name="hydrant_permit_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["cancelled", "rejected"]) | ~Q(closed_reason=""),
                name="hydrant_permit_closed_has_reason",
                violation_error_message="Say why the permit is cancelled or rejected.",
            ),
        ]

    def __str__(self):
        return f"Hydrant permit {self.number}"

    # Where the permit stands, for the pages (templates never compare statuses).
    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_pending_approval(self) -> bool:
        return self.status == self.Status.PENDING_APPROVAL

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def can_be_submitted(self) -> bool:
        return self.can_move_to(self.Status.PENDING_APPROVAL)

    @property
    def can_be_cancelled(self) -> bool:
        return self.can_move_to(self.Status.CANCELLED)

    @property
    def can_take_meter(self) -> bool:
        return self.can_move_to(self.Status.ACTIVE) and self.status == self.Status.APPROVED


@pghistory.track()
class MeterIssue(models.Model):
    """One lending of a meter on a permit: who took it, at what read, with what, and when it
    came back. A meter has at most one open issue (returned_at empty)."""

    permit = models.ForeignKey(HydrantPermit, on_delete=models.PROTECT, related_name="issues")
    meter = models.ForeignKey(HydrantMeter, on_delete=models.PROTECT, related_name="issues")
    # Register reading when it left the yard, in the meter's unit.
    start_read = models.DecimalField(max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(default=timezone.now)
    accessories = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    received_by_name = models.CharField("received by (name)", max_length=120)
    # The contractor's representative acknowledged the terms and the meter's condition.
    acknowledged = models.BooleanField(default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # field_ops WorkOrder ids (HYDRANT_METER_SET, HYDRANT_METER_PICKUP).
    set_work_order_id = models.BigIntegerField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    pickup_work_order_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meter"],
                condition=Q(returned_at__isnull=True),
                name="hydrant_meter_one_open_issue",
                violation_error_message="This meter is already out on a permit.",
            ),
            models.UniqueConstraint(
                fields=["permit"],
                condition=Q(returned_at__isnull=True),
                name="hydrant_permit_one_open_issue",
                violation_error_message="This permit already has a meter out.",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged=True), name="hydrant_issue_acknowledged"
            ),
            models.CheckConstraint(
                condition=Q(start_read__gte=0), name="hydrant_issue_start_read_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=F("issued_at")),
                name="hydrant_issue_returned_after_issued",
            ),
        ]

    def __str__(self):
        return f"{self.meter.serial} on {self.permit.number}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None
