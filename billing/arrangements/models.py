"""Payment arrangements and their installments.

An arrangement never holds money: what has been paid on it is worked out from the ledger
(billing.arrangements.standing), so nothing here is a counter that payment code updates.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from district.money import MoneyField
from district.transitions import Transitions


@pghistory.track()
class Arrangement(Transitions, models.Model):
    """An agreement to pay an account's past-due balance over time (SB 998)."""

    class Kind(models.TextChoices):
        INSTALLMENTS = "installments", "Installments"
        DEFERRAL = "deferral", "Deferral (one later date)"
        REDUCED = "reduced", "Reduced or alternative schedule"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DEFAULTED = "defaulted", "Defaulted"
        CANCELLED = "cancelled", "Cancelled"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        STAFF = "staff", "Customer service"
        PORTAL = "portal", "Online portal"

    # The statuses that hold the account's one open arrangement (see the constraint below).
    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)

    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.ACTIVE, Status.REJECTED, Status.CANCELLED},
        Status.ACTIVE: {Status.COMPLETED, Status.DEFAULTED, Status.CANCELLED},
    }

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="payment_arrangements"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INSTALLMENTS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    # The contact channel it was made through (accounts Contact.Channel: counter, phone, portal).
    channel = models.CharField(max_length=10, default="counter")
    amount = MoneyField(help_text="The arranged balance: the sum of the installments.")
    # Money credited to the account from this day on pays the installments (standing.py).
    arranged_on = models.DateField()
    activated_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    warning_sent_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=255, blank=True)
    end_reason = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approval_request = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-arranged_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=["pending", "active"]),
                name="arrangement_one_open_per_account",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="arrangement_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "account"], name="arrangement_status_idx")]

    def __str__(self):
        return f"Payment arrangement {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def can_cancel(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_from_portal(self) -> bool:
        return self.source == self.Source.PORTAL


class Installment(models.Model):
    """One amount due on one date. Paid or not is derived from the ledger, never stored."""

    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.CASCADE, related_name="installments"
    )
    number = models.PositiveSmallIntegerField()  # 1, 2, ... in due order
    due_on = models.DateField()
    amount = MoneyField()

    class Meta:
        ordering = ["arrangement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "number"], name="arrangement_installment_number"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="installment_amount_positive"),
        ]

    def __str__(self):
        return f"Installment {self.number}"
