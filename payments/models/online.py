"""Paying online through a hosted processor page (PCI SAQ-A: card and bank numbers never reach
the district's servers): one row per attempt, the processor's events that resolved it, and the
sandbox processor's own checkouts (demo and tests).

An attempt is created, handed to the processor (pending), and resolved by the processor's
webhook or the customer's return page, whichever comes first: succeeded (posted once, through
the processor-settlement path, as batch item `processor:<processor_reference>`), failed, or
unknown (no answer yet: re-checked by a task, then reviewed by a person).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import ServiceAccount
from district.money import MoneyField
from district.transitions import Transitions


class OnlinePayment(Transitions, models.Model):
    """A customer's attempt to pay an account online."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        PENDING = "pending", "Pending at the processor"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Unknown"

    # A success is final (its money is posted); a failure is final (the processor's checkout is
    # closed: a new attempt is a new row). Unknown is "we asked, nobody answered yet".
    ALLOWED_TRANSITIONS = {
        Status.CREATED: {Status.PENDING, Status.FAILED},
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED, Status.UNKNOWN},
        Status.UNKNOWN: {Status.SUCCEEDED, Status.FAILED},
        Status.SUCCEEDED: set(),
        Status.FAILED: set(),
    }

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="online_payments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    gateway = models.CharField(max_length=20, help_text="sandbox or stripe")
    amount = MoneyField(help_text="Paid on the account")
    fee = MoneyField(default=0, help_text="The convenience fee, shown before confirming")
    # The processor's checkout (Stripe Checkout Session id) and, once paid, its payment id
    # (Stripe PaymentIntent id): the settlement file names the payment by the latter.
    checkout_reference = models.CharField(max_length=255, blank=True)
    processor_reference = models.CharField(max_length=255, blank=True)
    method = models.CharField(max_length=10, blank=True, help_text="card or ach")
    last4 = models.CharField(max_length=4, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    batch_item = models.OneToOneField(
        "payments.BatchItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="online_payment",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    rechecks = models.PositiveSmallIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # Set when the re-checks ran out: the payment waits in the review queue for a person.
    review_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="online_payment_amount_positive"
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="online_payment_fee_not_negative"),
            models.UniqueConstraint(
                fields=["gateway", "checkout_reference"],
                condition=~Q(checkout_reference=""),
                name="online_payment_checkout_once",
            ),
            # A success has its posted batch item; nothing else has one.
            models.CheckConstraint(
                condition=Q(status="succeeded", batch_item__isnull=False)
                | (~Q(status="succeeded") & Q(batch_item__isnull=True)),
                name="online_payment_posted_iff_succeeded",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"Online payment {self.pk}"

    @property
    def total(self):
        return self.amount + self.fee


class OnlinePaymentEvent(models.Model):
    """One notification from the processor, kept once (its event id is unique): a replay is a
    no-op."""

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=80)
    payment = models.ForeignKey(
        OnlinePayment, null=True, on_delete=models.PROTECT, related_name="events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="online_event_once")
        ]

    def __str__(self):
        return f"{self.gateway} event {self.event_id}"


class SandboxCheckout(models.Model):
    """The sandbox processor's side of a checkout (demo and tests): what its page was told."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        DECLINED = "declined", "Declined"
        SILENT = "silent", "Never answers"

    token = models.CharField(max_length=64, unique=True)
    amount = MoneyField()
    description = models.CharField(max_length=200)
    return_url = models.CharField(max_length=500)
    cancel_url = models.CharField(max_length=500)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Sandbox checkout {self.token[:8]}"
