"""Write-offs of uncollectible final balances, their recoveries, and the collection agency's files.

A write-off moves what an ended account still owes from the receivable to bad debt (one journal);
the money rows live in the ledger, these rows say who asked, who approved, what was sent to the
agency and how much the customer paid back since.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from district.money import ZERO, MoneyField
from district.transitions import Transitions


class AgencyExport(models.Model):
    """One file sent to the collection agency: new placements and recoveries of earlier ones.

    The file is kept as sent, so it can be downloaded again byte for byte."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.TextField(help_text="The CSV file as sent.")
    placement_count = models.PositiveIntegerField(default=0)
    placement_total = MoneyField(default=ZERO, help_text="Balances placed with the agency.")
    recovery_count = models.PositiveIntegerField(default=0)
    recovery_total = MoneyField(default=ZERO, help_text="Recovered since an earlier placement.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Agency export {self.pk} ({self.created_at:%m/%d/%Y})"

    @property
    def filename(self) -> str:
        return f"write-offs-agency-{self.pk:05d}-{self.created_at:%Y%m%d}.csv"


# Statuses that hold the account's balance: one at a time per account.
LIVE_STATUSES = ("proposed", "pending_approval", "posted")


@pghistory.track()
class WriteOff(Transitions, models.Model):
    """An ended account's unpaid balance written off (or asked to be)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed, waiting for a supervisor"
        PENDING_APPROVAL = "pending_approval", "Over the limit, waiting for a second supervisor"
        POSTED = "posted", "Posted"
        REVERSED = "reversed", "Recovered in full"
        REJECTED = "rejected", "Rejected"

    # One service per move (billing.writeoffs.services): a CSR lead proposes, a supervisor over
    # the limit asks another, approval posts, rejection or withdrawal releases, and payments
    # received later recover it (in full: reversed).
    ALLOWED_TRANSITIONS = {
        Status.PROPOSED: {Status.POSTED, Status.REJECTED},
        Status.PENDING_APPROVAL: {Status.POSTED, Status.REJECTED},
        Status.POSTED: {Status.REVERSED},
        Status.REVERSED: set(),
        Status.REJECTED: set(),
    }

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="write_offs"
    )
    amount = MoneyField()
    reason = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices)
    # The balance when it was asked, and the bill the age was counted from (the final bill, or
    # the account's last bill); both shown to the approver and the agency.
    balance_at_request = MoneyField()
    final_bill = models.ForeignKey(
        "billing.Bill", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    journal_id = models.BigIntegerField(null=True, blank=True)
    approval_request_id = models.BigIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    agency_export = models.ForeignKey(
        AgencyExport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="write_offs",
    )
    # The sum of this write-off's recoveries (WriteOffRecovery rows), kept with them.
    recovered_amount = MoneyField(default=ZERO)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "agency_export"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_positive"),
            models.CheckConstraint(
                condition=Q(recovered_amount__gte=0) & Q(recovered_amount__lte=F("amount")),
                name="write_off_recovered_within_amount",
            ),
            # Never twice for the same balance: one write-off at a time holds an account.
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_write_off_per_account",
                violation_error_message="This account already has a write-off.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=("posted", "reversed"))
                | Q(journal_id__isnull=False, posted_at__isnull=False),
                name="write_off_posted_has_journal",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("requested_by")),
                name="write_off_not_approved_by_requester",
            ),
        ]

    def __str__(self):
        return f"Write-off {self.pk}"

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED

    @property
    def is_waiting(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.PENDING_APPROVAL)

    @property
    def was_posted(self) -> bool:
        """Posted to the books (reversed ones too: a recovery never unposts)."""
        return self.status in (self.Status.POSTED, self.Status.REVERSED)

    @property
    def is_sent_to_agency(self) -> bool:
        return self.agency_export_id is not None

    @property
    def outstanding(self):
        """Written off and not recovered yet: what the agency still collects."""
        return self.amount - self.recovered_amount


class WriteOffRecovery(models.Model):
    """A payment received after a write-off, restoring (part of) the written-off receivable.

    One per write-off and payment journal (the unique constraint makes a rerun post nothing)."""

    write_off = models.ForeignKey(WriteOff, on_delete=models.PROTECT, related_name="recoveries")
    payment_journal_id = models.BigIntegerField()
    amount = MoneyField()
    journal_id = models.BigIntegerField(help_text="The recovery journal.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The agency file that told the agency of it (None: not told yet).
    agency_export = models.ForeignKey(
        AgencyExport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recoveries",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_recovery_positive"),
            models.UniqueConstraint(
                fields=["write_off", "payment_journal_id"],
                name="write_off_recovered_once_per_payment",
            ),
        ]

    def __str__(self):
        return f"Recovery of {self.amount} on write-off {self.write_off_id}"
