"""What the bank sent back about our ACH entries: return files, each return or notification of
change (NOC) they carried, and the corrections a NOC asks for until a CSR confirms them.

A return file is imported once (its sha256 is unique). A return is applied to its original
entry at most once (a unique original trace number among applied returns), so the same return
in a later file is recorded as a duplicate and moves no money. A corrected bank account number
is kept encrypted, as the enrolment keeps its own.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from district.ledger.models import Journal
from district.money import MoneyField
from district.transitions import Transitions
from payments.models.autopay import AchDraft, AutopayEnrolment
from payments.models.returns import ReturnedItem


class AchReturnFile(models.Model):
    """One return / NOC file received from the bank, as imported."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(help_text="Bytes.")
    # The file as received, encrypted as the draft files are: it holds account numbers in clear.
    content = models.TextField(default="", help_text="Fernet token of the file's bytes.")
    creation_date = models.DateField(help_text="The file header's creation date.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"ACH return file {self.file_name} ({self.imported_at:%Y-%m-%d})"


class AchReturnEntry(models.Model):
    """One return (R code) or NOC (C code) entry of a return file and what was done with it."""

    class Kind(models.TextChoices):
        RETURN = "return", "Return"
        CHANGE = "change", "Notification of change"

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Applied"
        DUPLICATE = "duplicate", "Already applied"
        EXCEPTION = "exception", "Exception: for a person to research"

    file = models.ForeignKey(AchReturnFile, on_delete=models.PROTECT, related_name="entries")
    line_number = models.PositiveIntegerField(help_text="The entry's line in the file.")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    code = models.CharField(max_length=3, help_text="R01.. or C01..")
    original_trace_number = models.CharField(max_length=15, db_index=True)
    trace_number = models.CharField(max_length=15, help_text="The bank's trace of this entry.")
    amount = MoneyField(default=0)
    original_rdfi = models.CharField(max_length=8, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    individual_name = models.CharField(max_length=22, blank=True)
    individual_id = models.CharField(max_length=15, blank=True)
    draft = models.ForeignKey(
        AchDraft, on_delete=models.PROTECT, null=True, blank=True, related_name="returns"
    )
    enrolment = models.ForeignKey(
        AutopayEnrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="returns"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    # A returned draft paid by a payment goes through the returned-payment path (its item);
    # one without a payment record is reversed here (journal, fee_journal).
    returned_item = models.OneToOneField(
        ReturnedItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    journal = models.OneToOneField(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fee_journal = models.OneToOneField(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fee = MoneyField(default=0)
    suspended = models.BooleanField(default=False, help_text="Autopay suspended by this entry.")
    customer_notified_by = models.CharField(max_length=10, blank=True)  # "email" or "letter"

    class Meta:
        ordering = ["file_id", "line_number"]
        constraints = [
            # A return is applied to its original entry once, whatever file repeats it.
            models.UniqueConstraint(
                fields=["original_trace_number"],
                condition=Q(kind="return", outcome="applied"),
                name="ach_return_applied_once",
            ),
            models.UniqueConstraint(fields=["file", "line_number"], name="ach_return_line_once"),
        ]

    def __str__(self):
        return f"{self.code} for trace {self.original_trace_number}"

    @property
    def is_exception(self) -> bool:
        return self.outcome == self.Outcome.EXCEPTION

    @property
    def is_return(self) -> bool:
        return self.kind == self.Kind.RETURN


class AchChangeNotice(Transitions, models.Model):
    """A bank's notification of change held until a CSR confirms or declines it.

    The bank requires the correction before our next entry to the account, so drafting skips
    an enrolment while one of its notices is pending."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.CONFIRMED, Status.DECLINED},
        Status.CONFIRMED: set(),
        Status.DECLINED: set(),
    }

    entry = models.OneToOneField(
        AchReturnEntry, on_delete=models.PROTECT, related_name="change_notice"
    )
    enrolment = models.ForeignKey(
        AutopayEnrolment, on_delete=models.PROTECT, related_name="change_notices"
    )
    change_code = models.CharField(max_length=3)
    corrected_routing = models.CharField(max_length=9, blank=True)
    corrected_account_encrypted = models.TextField(blank=True, help_text="Never the digits.")
    corrected_last4 = models.CharField(max_length=4, blank=True)
    corrected_account_type = models.CharField(
        max_length=8, choices=AutopayEnrolment.AccountType.choices, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # What the confirmation replaced, for the account's history.
    previous_routing = models.CharField(max_length=9, blank=True)
    previous_last4 = models.CharField(max_length=4, blank=True)
    previous_account_type = models.CharField(max_length=8, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "enrolment"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="ach_change_decided_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.change_code} for enrolment {self.enrolment_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def can_decide(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def corrected_masked_account(self) -> str:
        return f"****{self.corrected_last4}" if self.corrected_last4 else ""
