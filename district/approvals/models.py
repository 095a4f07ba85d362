"""Approval requests: work a role may ask for but someone else must decide."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from district.money import MoneyField
from district.transitions import Transitions


class ApprovalRequest(Transitions, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.CANCELLED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
        Status.CANCELLED: set(),
    }

    kind = models.CharField(max_length=50, help_text="The registered handler that acts on it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_requests"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    amount = MoneyField(null=True, blank=True)
    # What the handler needs to carry out the request (money as strings, ids as numbers).
    payload = models.JSONField(default=dict, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # What the handler did (journal id, message), shown to the requester.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "kind", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="approval_not_decided_by_requester",
                violation_error_message="Nobody may decide their own request.",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_by__isnull=True))
                | (Q(status="cancelled"))
                | (Q(status__in=["approved", "rejected"]) & Q(decided_by__isnull=False)),
                name="approval_decision_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        """Still waiting: it may be approved, rejected or withdrawn."""
        return self.status == self.Status.PENDING

    @property
    def can_withdraw(self) -> bool:
        return self.can_move_to(self.Status.CANCELLED)

    @property
    def was_withdrawn(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def status_tone(self) -> str:
        """The badge colour of the status (the status is also written out: colour is a hint)."""
        return STATUS_TONES.get(self.status, "secondary")


STATUS_TONES = {
    ApprovalRequest.Status.APPROVED: "success",
    ApprovalRequest.Status.REJECTED: "danger",
    ApprovalRequest.Status.PENDING: "warning",
}
