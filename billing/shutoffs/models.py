"""The day's shut-off list, disconnections and the interest waivers of income-qualified homes."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import ServiceAccount
from district.money import ZERO
from district.transitions import Transitions
from field_ops.models import WorkOrder


@pghistory.track()
class ShutoffList(Transitions, models.Model):
    """The accounts to be shut off on one day: prepared by staff, approved by a supervisor."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.DRAFT, Status.APPROVED, Status.CANCELLED},
        Status.APPROVED: set(),
        Status.CANCELLED: set(),
    }

    date = models.DateField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="shutoff_list_approved_has_approver",
            ),
        ]

    def __str__(self):
        return f"Shut-off list for {self.date:%m/%d/%Y}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def can_be_prepared(self) -> bool:
        return self.can_move_to(self.Status.DRAFT)

    @property
    def can_be_approved(self) -> bool:
        return self.can_move_to(self.Status.APPROVED)


@pghistory.track()
class ShutoffListEntry(Transitions, models.Model):
    """One account on a day's list, with the checks that put it there (or took it off)."""

    class Status(models.TextChoices):
        LISTED = "listed", "Listed"
        REMOVED = "removed", "Removed"
        ORDERED = "ordered", "Order created"
        CANCELLED = "cancelled", "Order cancelled"

    ALLOWED_TRANSITIONS = {
        Status.LISTED: {Status.LISTED, Status.REMOVED, Status.ORDERED},
        Status.REMOVED: {Status.LISTED, Status.REMOVED},
        Status.ORDERED: {Status.CANCELLED},
        Status.CANCELLED: set(),
    }

    shutoff_list = models.ForeignKey(ShutoffList, on_delete=models.CASCADE, related_name="entries")
    account = models.ForeignKey(ServiceAccount, on_delete=models.PROTECT, related_name="+")
    past_due = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # [{"name", "passed", "detail"}] as the eligibility checks answered when last looked at.
    checks = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LISTED)
    reason = models.CharField(max_length=500, blank=True)
    work_order_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["shutoff_list", "account__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["shutoff_list", "account"], name="shutoff_entry_one_per_account"
            ),
            models.CheckConstraint(
                condition=~Q(status="removed") | ~Q(reason=""),
                name="shutoff_entry_removed_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.account} on {self.shutoff_list}"

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.LISTED

    @property
    def is_removed(self) -> bool:
        return self.status == self.Status.REMOVED

    @property
    def is_ordered(self) -> bool:
        return self.status == self.Status.ORDERED

    @property
    def failed_checks(self) -> list[dict]:
        return [check for check in self.checks if not check.get("passed")]


@pghistory.track()
class Disconnection(models.Model):
    """Water shut off at an account for non-payment, and when (if) it came back on."""

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="disconnections"
    )
    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, related_name="disconnection"
    )
    shut_off_at = models.DateTimeField()
    reconnect_order = models.OneToOneField(
        WorkOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reconnection_of",
    )
    reconnect_requested_at = models.DateTimeField(null=True, blank=True)
    reconnect_fee = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reconnect_fee_journal_id = models.BigIntegerField(null=True, blank=True)
    reconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shut_off_at", "-id"]
        indexes = [models.Index(fields=["account", "reconnected_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reconnected_at__isnull=True)
                | Q(reconnected_at__gte=models.F("shut_off_at")),
                name="disconnection_reconnected_after_shut_off",
            ),
        ]

    def __str__(self):
        return f"{self.account} shut off {self.shut_off_at:%m/%d/%Y}"

    @property
    def is_reconnected(self) -> bool:
        return self.reconnected_at is not None

    @property
    def reconnect_requested(self) -> bool:
        return self.reconnect_order_id is not None

    @property
    def awaits_reconnection(self) -> bool:
        return self.reconnected_at is None and self.reconnect_order_id is not None


@pghistory.track()
class InterestWaiver(models.Model):
    """Late penalties on an income-qualified household's arrears withdrawn at reconnection
    (Health & Safety Code 116914(a)(2)): at most once in any 12 months."""

    account = models.ForeignKey(ServiceAccount, on_delete=models.PROTECT, related_name="+")
    disconnection = models.OneToOneField(
        Disconnection, on_delete=models.PROTECT, related_name="interest_waiver"
    )
    waived_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # The late-penalty journals reversed, for the audit trail.
    journal_ids = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-waived_on", "-id"]

    def __str__(self):
        return f"Interest waived on {self.account} {self.waived_on:%m/%d/%Y}"
