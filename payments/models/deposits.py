"""Bank deposits: closed drawer sessions and posted batches taken to the bank, once each."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from district.ledger.models import Journal
from district.money import ZERO, MoneyField
from district.transitions import Transitions
from payments.models.append_only import APPEND_ONLY
from payments.models.drawers import DrawerSession
from payments.models.receipts import PaymentBatch


class BankDeposit(Transitions, models.Model):
    """A deposit taken to the bank: closed drawer sessions and posted batches, once each."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "Prepared (in transit)"
        MATCHED = "matched", "Matched to the bank"

    ALLOWED_TRANSITIONS = {Status.PREPARED: {Status.MATCHED}, Status.MATCHED: set()}

    business_date = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    # {"100.00": 3, ...}: currency and coin in the bag, by denomination.
    currency_count = models.JSONField(default=dict, blank=True)
    cash_total = MoneyField(default=ZERO)
    check_total = MoneyField(default=ZERO)
    check_count = models.PositiveIntegerField(default=0)
    total = MoneyField()
    journal = models.OneToOneField(Journal, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="bank_deposit_positive"),
        ]

    def __str__(self):
        return f"Deposit {self.pk} ({self.business_date:%Y-%m-%d})"


class BankDepositItem(models.Model):
    deposit = models.ForeignKey(BankDeposit, on_delete=models.PROTECT, related_name="items")
    session = models.OneToOneField(
        DrawerSession, on_delete=models.PROTECT, null=True, blank=True, related_name="deposit_item"
    )
    batch = models.OneToOneField(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="deposit_item"
    )
    amount = MoneyField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, batch__isnull=True)
                | Q(session__isnull=True, batch__isnull=False),
                name="deposit_item_one_source",
            ),
        ]
        triggers = [pgtrigger.Protect(name="deposit_item_append_only", operation=APPEND_ONLY)]

    def __str__(self):
        return f"{self.amount} in {self.deposit}"
