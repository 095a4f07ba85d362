"""Checks the bank returned unpaid, and the letters that tell the customer.

Each tender is returned at most once (a unique link); the returned item is written once.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import ServiceAccount
from district.ledger.models import Journal
from district.transitions import Transitions
from payments.models.append_only import APPEND_ONLY
from payments.models.receipts import Tender


class ReturnedItem(models.Model):
    """A check (or money order, or ACH debit) the bank returned unpaid."""

    class Reason(models.TextChoices):
        NSF = "nsf", "Insufficient funds"
        CLOSED = "closed", "Account closed"
        STOPPED = "stopped", "Payment stopped"
        OTHER = "other", "Other"

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="returned")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    returned_on = models.DateField()
    bank_reference = models.CharField(max_length=60, blank=True)
    journal = models.OneToOneField(Journal, on_delete=models.PROTECT, related_name="+")
    fee_journal = models.OneToOneField(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-returned_on", "-id"]
        triggers = [pgtrigger.Protect(name="returned_item_append_only", operation=APPEND_ONLY)]

    def __str__(self):
        return f"Returned {self.tender}"


class Letter(Transitions, models.Model):
    """A letter queued for the mail room (a returned payment notice, ...), printed from a
    template when the queue is worked."""

    class Kind(models.TextChoices):
        RETURNED_PAYMENT = "returned_payment", "Returned payment notice"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PRINTED = "printed", "Printed"

    ALLOWED_TRANSITIONS = {Status.QUEUED: {Status.PRINTED}, Status.PRINTED: set()}

    account = models.ForeignKey(ServiceAccount, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    returned_item = models.OneToOneField(
        ReturnedItem, on_delete=models.PROTECT, null=True, blank=True, related_name="letter"
    )
    created_at = models.DateTimeField(default=timezone.now)
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.account_id}"
