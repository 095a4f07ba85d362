"""Adjustments: credits and debits to an account, leak adjustments with their evidence."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from billing.models.bills import Bill
from district.money import MoneyField
from district.transitions import Transitions


@pghistory.track()
class Adjustment(Transitions, models.Model):
    """A credit or debit to an account with a reason code, within the person's limit or
    through approval. Leak adjustments carry their evidence."""

    class Direction(models.TextChoices):
        CREDIT = "credit", "Credit"
        DEBIT = "debit", "Debit"

    class Reason(models.TextChoices):
        LEAK = "leak", "Leak adjustment"
        BILLING_ERROR = "billing_error", "Billing error"
        METER_ERROR = "meter_error", "Meter error"
        FEE_WAIVER = "fee_waiver", "Fee waiver"
        GOODWILL = "goodwill", "Goodwill"
        CORRECTION = "correction", "Other correction"

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "Waiting for approval"
        POSTED = "posted", "Posted"
        REJECTED = "rejected", "Rejected"

    # One service each (billing.corrections.services): posted within the limit or on approval.
    ALLOWED_TRANSITIONS = {
        Status.PENDING_APPROVAL: {Status.POSTED, Status.REJECTED},
        Status.POSTED: set(),
        Status.REJECTED: set(),
    }

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="adjustments"
    )
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    direction = models.CharField(max_length=6, choices=Direction.choices)
    reason = models.CharField(max_length=15, choices=Reason.choices)
    amount = MoneyField()
    memo = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices)
    idempotency_key = models.CharField(max_length=120, unique=True)
    journal_id = models.BigIntegerField(null=True, blank=True)
    approval_request_id = models.BigIntegerField(null=True, blank=True)
    # Leak adjustments: how the credit was worked out, and the evidence.
    calculation = models.JSONField(default=dict, blank=True)
    evidence_work_order = models.ForeignKey(
        "field_ops.WorkOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence_file = models.FileField(upload_to="adjustments/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_positive"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.amount} on {self.account_id}"
