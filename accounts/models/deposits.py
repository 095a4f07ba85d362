"""Deposits: the written guidelines, the deposits set under them, their installments, and letters of credit."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models.customers import Customer
from accounts.models.service_accounts import ServiceAccount
from district.money import MoneyField
from district.transitions import Transitions
from field_ops.models import Meter


@pghistory.track()
class DepositGuideline(models.Model):
    """One version of the district's written deposit guidelines (a new version, never an edit,
    once a deposit has been set under it)."""

    effective_from = models.DateField(unique=True)
    minimum = MoneyField(help_text="No deposit is smaller than this (unless none is due).")
    # A deposit of N times the premise's average monthly bill over the last 12 months, when
    # that history exists; otherwise the class and meter size table applies.
    average_bill_multiple = models.DecimalField(max_digits=4, decimal_places=2, default=2)
    good_history_months = models.PositiveSmallIntegerField(default=12)
    max_late_payments = models.PositiveSmallIntegerField(default=1)
    max_installments = models.PositiveSmallIntegerField(default=3)
    refund_after_months = models.PositiveSmallIntegerField(default=12)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_installments__gte=1, max_installments__lte=3),
                name="deposit_guideline_installments_range",
            ),
        ]

    def __str__(self):
        return f"Deposit guidelines from {self.effective_from}"


class DepositGuidelineAmount(models.Model):
    guideline = models.ForeignKey(
        DepositGuideline, on_delete=models.CASCADE, related_name="amounts"
    )
    customer_class = models.CharField(max_length=15, choices=ServiceAccount.CustomerClass.choices)
    meter_size = models.CharField(max_length=6, choices=Meter.Size.choices)
    amount = MoneyField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "customer_class", "meter_size"],
                name="deposit_amount_once_per_class_and_size",
            )
        ]

    def __str__(self):
        return f"{self.customer_class} {self.meter_size}: {self.amount}"


@pghistory.track()
class Deposit(Transitions, models.Model):
    """A deposit asked of an account: charged, held in the liability account, then applied or
    refunded. The money itself lives in the ledger; this records the decision and its state."""

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "Waiver awaiting approval"
        CHARGED = "charged", "Charged"
        WAIVED = "waived", "Waived"
        APPLIED = "applied", "Applied to the final bill"
        CREDITED = "credited", "Credited to the account"
        REFUNDED = "refunded", "Refunded"

    ALLOWED_TRANSITIONS = {
        Status.PENDING_APPROVAL: {Status.WAIVED, Status.CHARGED},
        Status.CHARGED: {Status.APPLIED, Status.CREDITED, Status.REFUNDED},
        Status.WAIVED: set(),
        Status.APPLIED: set(),
        Status.CREDITED: set(),
        Status.REFUNDED: set(),
    }

    class Basis(models.TextChoices):
        CLASS_AND_SIZE = "class_size", "Customer class and meter size"
        AVERAGE_BILL = "average_bill", "Multiple of the premise's average bill"
        MINIMUM = "minimum", "Minimum deposit"
        OWNER = "owner", "None: owner of the premise"
        GOOD_HISTORY = "good_history", "None: good payment history"
        LETTER_OF_CREDIT = "letter", "None: letter of good credit"
        TRANSFERRED = "transferred", "Carried over from the previous account"

    account = models.ForeignKey(ServiceAccount, on_delete=models.PROTECT, related_name="deposits")
    guideline = models.ForeignKey(DepositGuideline, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=15, choices=Basis.choices)
    amount = MoneyField(help_text="The deposit asked (0 when none is due).")
    explanation = models.CharField(max_length=255, help_text="How the amount was found.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHARGED)
    installments = models.PositiveSmallIntegerField(default=1)
    waiver_reason = models.CharField(max_length=255, blank=True)
    charged_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The ledger journals that charged and settled it (district.ledger.Journal ids).
    charge_journal_id = models.BigIntegerField(null=True, blank=True)
    settle_journal_id = models.BigIntegerField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_to"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deposit_not_negative"),
            models.CheckConstraint(
                condition=Q(installments__gte=1, installments__lte=3),
                name="deposit_installments_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(waiver_reason=""),
                name="deposit_waiver_has_reason",
                violation_error_message="Say why the deposit is waived.",
            ),
        ]

    def __str__(self):
        return f"Deposit {self.amount} on {self.account}"


@pghistory.track()
class DepositInstallment(models.Model):
    """One installment of a deposit paid in installments (Deposit.installments of 2 or 3).

    The first posts when the deposit is charged; each later one is billed on the account's
    next bill (a "Deposit, installment 2 of 3" line) and posted once, by its own journal:
    debit ar_customers / credit customer_deposits, key "deposit-installment:<deposit>:<number>".
    journal_id set = posted. A deposit settled (applied, refunded) before its installments are
    all billed cancels the rest; a deposit carried to a new account takes its open ones along.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Not billed yet"
        POSTED = "posted", "Billed"
        CANCELLED = "cancelled", "Cancelled (deposit settled)"

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="installment_set")
    # The deposit's account, here too, so a bill run finds a chunk's open installments at once.
    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="deposit_installments"
    )
    number = models.PositiveSmallIntegerField()
    amount = MoneyField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # district.ledger Journal that posted it, and billing.Bill that carried it (None for the
    # first installment, posted when the deposit was charged): ids, as billing sits above.
    journal_id = models.BigIntegerField(null=True, blank=True)
    bill_id = models.BigIntegerField(null=True, blank=True)
    posted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["deposit", "number"]
        indexes = [
            models.Index(
                fields=["account", "deposit", "number"],
                condition=Q(status="open"),
                name="deposit_installment_open_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "number"], name="deposit_installment_once_per_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=3), name="deposit_installment_number_range"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_installment_positive"),
            models.CheckConstraint(
                condition=~Q(status="posted") | Q(journal_id__isnull=False),
                name="deposit_installment_posted_has_journal",
            ),
        ]

    def __str__(self):
        return f"Deposit {self.deposit_id} installment {self.number}: {self.amount}"


class LetterOfCredit(models.Model):
    """A letter of good credit from another utility, recorded by a CSR II or above."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_letters")
    utility_name = models.CharField(max_length=120)
    letter_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.utility_name} letter for {self.customer}"
