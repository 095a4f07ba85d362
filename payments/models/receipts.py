"""Payments as received, what they pay and how: counter receipts, mail and file items.

A payment, its lines and tenders are never updated or deleted (triggers refuse it); a void is a
new row with its own reversing journal, and each payment is voided at most once.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import ServiceAccount
from district.approvals.models import ApprovalRequest
from district.ledger.models import Journal
from district.money import ZERO, MoneyField
from district.transitions import Transitions
from payments.models.append_only import APPEND_ONLY
from payments.models.drawers import DrawerSession


class PaymentBatch(Transitions, models.Model):
    """Payments entered together: a mail batch typed by a CSR, a processor/lockbox file, or a
    processor's daily settlement.

    A settlement batch (processor and settlement_date set) gathers one processor's payments of
    one settlement day as they arrive (notifications, online payments): each item posts to its
    account at once with its own journal, and the batch stays open until the processor's
    cut-off, when it closes (posted, no journal of its own) with the day's payout as its control
    total, the figure the bank's credit is matched against.
    """

    class Kind(models.TextChoices):
        MAIL = "mail", "Mail"
        LOCKBOX = "lockbox", "Bank lockbox file"
        PROCESSOR = "processor", "Payment processor file"

    class Status(models.TextChoices):
        OPEN = "open", "Open for entry"
        POSTED = "posted", "Posted"

    ALLOWED_TRANSITIONS = {Status.OPEN: {Status.POSTED}, Status.POSTED: set()}

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    business_date = models.DateField(default=timezone.localdate)
    control_count = models.PositiveIntegerField()
    control_total = MoneyField()
    description = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    journal = models.OneToOneField(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A file batch: its name, layout and sha256 (a file is imported once).
    file_name = models.CharField(max_length=200, blank=True)
    file_format = models.CharField(max_length=30, blank=True)
    file_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # A settlement batch: the processor (its code: a gateway's name, or a notification token's name as a slug)
    # and the settlement day whose payout it is; empty for every other batch.
    processor = models.CharField(max_length=40, blank=True)
    settlement_date = models.DateField(null=True, blank=True)
    # Convenience fees settled with the payments, included in control_total.
    fees_total = MoneyField(default=ZERO, db_default=ZERO)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "payment batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(control_total__gte=0), name="batch_control_not_negative"
            ),
            # A settlement batch's items carry their own journals: it closes without one.
            models.CheckConstraint(
                condition=Q(status="open", journal__isnull=True, posted_at__isnull=True)
                | Q(status="posted", journal__isnull=False, posted_at__isnull=False)
                | Q(
                    status="posted",
                    settlement_date__isnull=False,
                    journal__isnull=True,
                    posted_at__isnull=False,
                ),
                name="batch_posted_has_journal",
            ),
            models.CheckConstraint(
                condition=Q(settlement_date__isnull=True, processor="")
                | (Q(kind="processor", settlement_date__isnull=False) & ~Q(processor="")),
                name="batch_settlement_is_a_processors",
            ),
            models.UniqueConstraint(
                fields=["processor", "settlement_date"],
                condition=Q(settlement_date__isnull=False),
                name="batch_one_settlement_per_processor_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} batch {self.pk}"

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED

    @property
    def is_settlement(self) -> bool:
        """A processor's daily settlement batch (gathers the day's payments until cut-off)."""
        return self.settlement_date is not None

    @property
    def is_open_settlement(self) -> bool:
        return self.is_settlement and self.status == self.Status.OPEN

    @property
    def is_mail(self) -> bool:
        """Typed from the mail: its checks go to the bank in a deposit of ours (file batches
        reach the bank without us)."""
        return self.kind == self.Kind.MAIL


class Payment(models.Model):
    """One payment as received: a counter receipt, a mail item or a file item.

    Its lines say which accounts it pays and its tenders how it was paid; both sum to `total`.
    Written once: a void or a returned check is a separate row with a reversing journal.
    """

    class Channel(models.TextChoices):
        COUNTER = "counter", "Counter"
        MAIL = "mail", "Mail"
        LOCKBOX = "lockbox", "Bank lockbox"
        PROCESSOR = "processor", "Payment processor"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    session = models.ForeignKey(
        DrawerSession, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    received_at = models.DateTimeField(default=timezone.now)
    effective_date = models.DateField(default=timezone.localdate)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    payer_name = models.CharField(max_length=120, blank=True)
    total = MoneyField()
    cash_received = MoneyField(default=ZERO, help_text="Cash handed over, before change.")
    change_given = MoneyField(default=ZERO)
    idempotency_key = models.CharField(max_length=120, unique=True)
    # A counter payment has its own journal; a batch's payments share the batch journal.
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["effective_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="payment_total_positive"),
            models.CheckConstraint(
                condition=Q(change_given__gte=0, cash_received__gte=0),
                name="payment_cash_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(channel="counter", session__isnull=False, batch__isnull=True)
                | (~Q(channel="counter") & Q(session__isnull=True, batch__isnull=False)),
                name="payment_has_one_home",
                violation_error_message="A counter payment belongs to a drawer, others to a batch.",
            ),
        ]
        triggers = [pgtrigger.Protect(name="payment_append_only", operation=APPEND_ONLY)]

    def __str__(self):
        return f"Receipt {self.receipt_number}"

    def get_absolute_url(self):
        return reverse("payments:receipt", args=[self.pk])

    @property
    def receipt_number(self) -> str:
        return f"{self.received_at:%Y}-{self.pk:08d}"


class PaymentLine(models.Model):
    """The part of a payment applied to one account."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(ServiceAccount, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "payment"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_line_positive"),
            models.UniqueConstraint(fields=["payment", "account"], name="payment_line_once"),
        ]
        triggers = [pgtrigger.Protect(name="payment_line_append_only", operation=APPEND_ONLY)]

    def __str__(self):
        return f"{self.amount} to {self.account_id}"


class Tender(models.Model):
    """How (part of) a payment was paid. A card is taken on the district's own terminal: only the
    approval code and the last four digits are recorded, never a card number."""

    class Kind(models.TextChoices):
        CASH = "cash", "Cash"
        CHECK = "check", "Check"
        MONEY_ORDER = "money_order", "Money order"
        CARD = "card", "Card (terminal)"
        ACH = "ach", "Electronic (ACH)"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="tenders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = MoneyField(help_text="Applied to the payment (cash net of change).")
    check_number = models.CharField(max_length=20, blank=True)
    bank_name = models.CharField(max_length=60, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    approval_code = models.CharField(max_length=20, blank=True)
    reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tender_positive"),
            models.CheckConstraint(
                condition=~Q(kind="card")
                | (Q(card_last4__regex=r"^[0-9]{4}$") & ~Q(approval_code="")),
                name="tender_card_has_approval",
            ),
        ]
        triggers = [pgtrigger.Protect(name="tender_append_only", operation=APPEND_ONLY)]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def is_check(self) -> bool:
        return self.kind == self.Kind.CHECK

    @property
    def is_money_order(self) -> bool:
        return self.kind == self.Kind.MONEY_ORDER


class PaymentVoid(models.Model):
    """A same-day void, approved by a supervisor: its journal reverses the payment's."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="void")
    request = models.OneToOneField(ApprovalRequest, on_delete=models.PROTECT, related_name="+")
    journal = models.OneToOneField(Journal, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=255)
    voided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers = [pgtrigger.Protect(name="payment_void_append_only", operation=APPEND_ONLY)]

    def __str__(self):
        return f"Void of {self.payment}"


class BatchItem(Transitions, models.Model):
    """One item of a batch as entered or read from a file; becomes a Payment when posted.

    An item that matches no account is kept as an exception for a CSR to resolve: its money is
    posted to unapplied payments with the batch and moved to the account once resolved.
    """

    class Status(models.TextChoices):
        ENTERED = "entered", "Entered"
        EXCEPTION = "exception", "No matching account"
        POSTED = "posted", "Posted"
        RESOLVED = "resolved", "Resolved to an account"

    ALLOWED_TRANSITIONS = {
        Status.ENTERED: {Status.POSTED, Status.EXCEPTION},
        Status.EXCEPTION: {Status.RESOLVED},
        Status.POSTED: set(),
        Status.RESOLVED: set(),
    }

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ENTERED)
    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = MoneyField()
    check_number = models.CharField(max_length=20, blank=True)
    payer_name = models.CharField(max_length=120, blank=True)
    # What was typed or read: the scan line or account number as given, the file's line.
    entered_as = models.CharField(max_length=200, blank=True)
    # The processor's or bank's id for the item; an item is posted once across files.
    external_id = models.CharField(max_length=80, blank=True)
    exception_reason = models.CharField(max_length=255, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="batch_item"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolve_journal = models.OneToOneField(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="batch_item_position"),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="batch_item_external_once",
                violation_error_message="This payment was already imported.",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="batch_item_positive"),
        ]

    def __str__(self):
        return f"Item {self.position} of {self.batch}"
