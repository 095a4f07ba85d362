"""The bank's own files: BAI2 prior-day reports, their accounts and lines, and the uploads."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from district.ledger.models import Journal
from district.money import ZERO, MoneyField
from district.transitions import Transitions
from payments.models.deposits import BankDeposit
from payments.models.receipts import PaymentBatch
from payments.models.returns import ReturnedItem


class Bai2File(models.Model):
    """A BAI2 prior-day report from the bank, imported once (by its sha256)."""

    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=200)
    sender = models.CharField(max_length=40)
    receiver = models.CharField(max_length=40)
    created_on = models.DateField()
    created_time = models.CharField(max_length=4, blank=True)
    file_id = models.CharField(max_length=40)
    group_count = models.PositiveIntegerField()
    record_count = models.PositiveIntegerField()
    control_total = models.BigIntegerField(help_text="In cents, as the file states it.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = "BAI2 file"

    def __str__(self):
        return f"{self.file_name} ({self.created_on:%Y-%m-%d})"


class Bai2Upload(Transitions, models.Model):
    """A BAI2 file as uploaded, kept before it is imported: the import task reads the bytes
    from here by id (nothing large goes through the broker), and writes back what happened,
    so the page can say pending, imported or refused (with the reason) whichever process ran it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be imported"
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused"

    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.IMPORTED, Status.REFUSED},
        Status.IMPORTED: set(),
        Status.REFUSED: set(),
    }

    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()  # bytes
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    refusal = models.TextField(blank=True)  # why the file was refused, as the importer said
    message = models.CharField(max_length=255, blank=True)  # what the import did
    file = models.ForeignKey(
        Bai2File, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "BAI2 upload"

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.REFUSED


class Bai2AccountReport(models.Model):
    """One account's report in one group of a file: its summaries (03/88) and control (49)."""

    file = models.ForeignKey(Bai2File, on_delete=models.PROTECT, related_name="accounts")
    group_number = models.PositiveIntegerField()
    originator = models.CharField(max_length=40)
    as_of_date = models.DateField()
    account_number = models.CharField(max_length=40)
    currency = models.CharField(max_length=3)
    # [{"type_code": "010", "amount": 3472697900 (cents or null), "item_count": 1, "funds": ...}]
    summaries = models.JSONField(default=list, blank=True)
    control_total = models.BigIntegerField(help_text="In cents, as the file states it.")

    class Meta:
        ordering = ["file", "group_number", "id"]

    def __str__(self):
        return f"{self.account_number} {self.as_of_date:%Y-%m-%d}"


class Bai2Transaction(Transitions, models.Model):
    """A detail (16) record and its continuations; matched to what the district expected."""

    class Direction(models.TextChoices):
        CREDIT = "credit", "Credit"
        DEBIT = "debit", "Debit"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        UNMATCHED = "unmatched", "Unmatched"
        MATCHED = "matched", "Matched"
        EXCEPTION = "exception", "Exception"
        RESOLVED = "resolved", "Resolved by hand"
        # A line of an account that receives no deposits (policy): kept, never matched.
        NOT_RECONCILED = "skipped", "Not reconciled"

    ALLOWED_TRANSITIONS = {
        Status.UNMATCHED: {Status.MATCHED, Status.EXCEPTION, Status.RESOLVED},
        Status.EXCEPTION: {Status.MATCHED, Status.RESOLVED},
        Status.MATCHED: set(),
        Status.RESOLVED: set(),
        Status.NOT_RECONCILED: set(),
    }

    report = models.ForeignKey(
        Bai2AccountReport, on_delete=models.PROTECT, related_name="transactions"
    )
    type_code = models.CharField(max_length=3)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    amount = MoneyField()
    funds_type = models.JSONField(default=dict, blank=True)
    bank_reference = models.CharField(max_length=80, blank=True)
    customer_reference = models.CharField(max_length=80, blank=True)
    text = models.TextField(blank=True)
    # Identifies the line across files (account, date, code, amount, references, text, and
    # its occurrence), so a line the bank sends again is not imported twice.
    line_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    matched_deposit = models.OneToOneField(
        BankDeposit, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    matched_batch = models.OneToOneField(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    returned_item = models.OneToOneField(
        ReturnedItem, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    # One journal books a day's matched credits of one holding account (several lines).
    match_journal = models.ForeignKey(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    # A net settlement matched by hand: what the processor kept of the batch (its fees), posted
    # as processor fee expense in the match journal.
    # db_default: the import stages lines with COPY, naming only the columns it fills.
    processor_fee = MoneyField(default=ZERO, db_default=ZERO)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report", "id"]
        indexes = [models.Index(fields=["status", "direction"])]
        verbose_name = "BAI2 transaction"

    def __str__(self):
        return f"{self.type_code} {self.amount}"

    @property
    def is_resolved(self) -> bool:
        return self.status == self.Status.RESOLVED
