"""Letter templates and their versions, letters sent, print batches, and the export log.

A template's text lives only in its versions: the current version is the latest, so an edit
never changes what an earlier letter was printed from.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Language, ServiceAccount


class LetterTemplate(models.Model):
    """One kind of letter in one language; its text is in its versions."""

    class Key(models.TextChoices):
        WELCOME = "welcome", "Welcome"
        RETURNED_PAYMENT = "returned-payment", "Returned payment"
        HIGH_USE = "high-use", "High water use"
        DEPOSIT_REFUND = "deposit-refund", "Deposit refund"
        GENERAL = "general", "General letter"

    key = models.CharField(max_length=30, choices=Key.choices)
    language = models.CharField(max_length=10, choices=Language.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="letter_template_key_language")
        ]

    def __str__(self):
        return f"{self.get_key_display()} ({self.get_language_display()})"


class LetterTemplateVersion(models.Model):
    """A template's subject and body as saved once; never edited (an edit adds a version)."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    reason = models.CharField("why", max_length=300)
    created_by = models.ForeignKey(  # null: the starting text seeded at install
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["template_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="letter_template_version_number"
            )
        ]

    def __str__(self):
        return f"{self.template} version {self.number}"


class PrintBatch(models.Model):
    """Letters queued together for the print shop: one combined PDF, made when created."""

    key = models.CharField(max_length=30, choices=LetterTemplate.Key.choices)
    reason = models.CharField(max_length=300)
    pdf = models.BinaryField(null=True, blank=True)  # null: every letter of the batch was e-mailed
    printed_count = models.PositiveIntegerField(default=0)
    emailed_count = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Print batch {self.pk}: {self.get_key_display()}"

    @property
    def has_pdf(self) -> bool:
        return self.printed_count > 0


class Letter(models.Model):
    """A letter sent to an account: exactly what was printed or e-mailed, and from which text."""

    class Delivery(models.TextChoices):
        PRINT = "print", "Printed and mailed"
        EMAIL = "email", "E-mailed"

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="correspondence_letters"
    )
    template_version = models.ForeignKey(
        LetterTemplateVersion, on_delete=models.PROTECT, related_name="letters"
    )
    language = models.CharField(max_length=10, choices=Language.choices)
    subject = models.CharField(max_length=300)
    html = models.TextField()
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    email_to = models.EmailField(blank=True)
    batch = models.ForeignKey(
        PrintBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"], name="corr_letter_account_idx")]

    def __str__(self):
        return f"{self.subject} to {self.account_id}"

    @property
    def is_emailed(self) -> bool:
        return self.delivery == self.Delivery.EMAIL


class DataExportLog(models.Model):
    """One export of customer data (labels, mailing lists): who, what, why, when, how many rows.

    Government Code 6254.16 keeps utility customers' names, addresses and contacts from the
    public; the log shows each list that left the system and why."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=200)
    why = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)
    row_count = models.PositiveIntegerField()
    columns = models.JSONField(default=list)
    masked_columns = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.what} ({self.row_count} rows)"
