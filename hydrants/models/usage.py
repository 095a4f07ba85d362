"""What a lent hydrant meter used and what it cost: monthly reads, the bills of each month and of
the return, the inspection when it comes back, and the settlement against the permit's deposit.
The workflow is in hydrants/usage/ (services); these are the data and its constraints."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from district.approvals.models import ApprovalRequest
from district.money import ZERO, MoneyField
from hydrants.models.permits import HydrantPermit, MeterIssue

READING = {"max_digits": 12, "decimal_places": 2}  # a register reading, in the meter's unit


@pghistory.track()
class HydrantRead(models.Model):
    """One register reading of a lent meter: monthly, or the final read when it comes back."""

    class Source(models.TextChoices):
        CONTRACTOR_ONLINE = "contractor_online", "Contractor online"
        COUNTER = "counter", "Counter"
        FIELD = "field", "Field technician"

    class Flag(models.TextChoices):
        DROUGHT_RESTRICTED = (
            "drought_restricted",
            "Taken while the drought stage restricts the hydrant",
        )

    issue = models.ForeignKey(MeterIssue, on_delete=models.PROTECT, related_name="reads")
    read_on = models.DateField()
    reading = models.DecimalField(**READING)
    source = models.CharField(max_length=20, choices=Source.choices)
    is_final = models.BooleanField("final read", default=False)
    flags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    # The pick-up order that took it (field_ops WorkOrder id), for a technician's read.
    work_order_id = models.BigIntegerField(null=True, blank=True)
    notes = models.CharField(max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issue", "read_on", "id"]
        indexes = [models.Index(fields=["issue", "read_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(reading__gte=0), name="hydrant_read_not_negative"),
            models.UniqueConstraint(
                fields=["issue"],
                condition=Q(is_final=True),
                name="hydrant_read_one_final_per_issue",
                violation_error_message="This meter already has its final read.",
            ),
        ]

    def __str__(self):
        return f"{self.reading} on {self.read_on:%m/%d/%Y}"

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)

    @property
    def flag_labels(self) -> list[str]:
        labels = dict(self.Flag.choices)
        return [labels.get(flag, flag) for flag in self.flags]


@pghistory.track()
class HydrantBill(models.Model):
    """Charges of one lent meter posted to the contractor's account: a month's water and rental
    (or the missing-read charge), the final bill of the return, or a lost meter's charge."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        FINAL = "final", "Final"
        LOST = "lost", "Lost meter"

    issue = models.ForeignKey(MeterIssue, on_delete=models.PROTECT, related_name="bills")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    # The read billed to (None for a month without a read, and for a lost meter).
    read = models.ForeignKey(
        HydrantRead, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_reading = models.DecimalField(**READING, null=True, blank=True)
    to_reading = models.DecimalField(**READING, null=True, blank=True)
    consumption = models.DecimalField(**READING, default=ZERO)  # in the meter's unit
    water_amount = MoneyField(default=ZERO)
    rental_amount = MoneyField(default=ZERO)
    missing_read_amount = MoneyField(default=ZERO)
    damage_amount = MoneyField(default=ZERO)
    replacement_amount = MoneyField(default=ZERO)
    total = MoneyField()
    # Each charge as the contractor reads it: [{"code", "description", "amount"}].
    lines = models.JSONField(default=list)
    journal_id = models.BigIntegerField(null=True, blank=True)  # district.ledger Journal
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issue", "period_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "period_start"],
                condition=Q(kind="monthly"),
                name="hydrant_bill_one_per_issue_month",
            ),
            models.UniqueConstraint(
                fields=["issue"],
                condition=Q(kind__in=["final", "lost"]),
                name="hydrant_bill_one_final_per_issue",
                violation_error_message="This meter already has its final bill.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="hydrant_bill_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(
                    total=F("water_amount")
                    + F("rental_amount")
                    + F("missing_read_amount")
                    + F("damage_amount")
                    + F("replacement_amount")
                ),
                name="hydrant_bill_total_is_its_parts",
            ),
        ]

    def __str__(self):
        period = f"{self.period_start:%m/%d/%Y}-{self.period_end:%m/%d/%Y}"
        return f"{self.get_kind_display()} bill {period}"

    @property
    def is_monthly(self) -> bool:
        return self.kind == self.Kind.MONTHLY


def _photo_path(instance, filename):
    # The stored name is the service's (content-checked type); never the sender's file name.
    return f"hydrant_inspections/{filename}"


@pghistory.track()
class HydrantInspection(models.Model):
    """The shop's look at a returned meter: damage, an accuracy test, the backflow test, and
    what parts and labour the contractor is charged."""

    class Damage(models.TextChoices):
        BODY_CRACKED = "body_cracked", "Meter body cracked"
        REGISTER_DAMAGED = "register_damaged", "Register broken or fogged"
        THREADS_DAMAGED = "threads_damaged", "Inlet or outlet threads damaged"
        BACKFLOW_DAMAGED = "backflow_damaged", "Backflow assembly damaged"
        FROZEN = "frozen", "Freeze damage"
        PARTS_MISSING = "parts_missing", "Caps, gaskets or hydrant wrench missing"
        OTHER = "other", "Other (see notes)"

    class TestResult(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"

    class BackflowResult(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"
        NOT_TESTED = "not_tested", "Not tested"

    issue = models.OneToOneField(MeterIssue, on_delete=models.PROTECT, related_name="inspection")
    inspected_on = models.DateField()
    damage_items = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    notes = models.TextField(blank=True)
    meter_test_result = models.CharField(max_length=4, choices=TestResult.choices)
    # Registered volume as a percent of the test volume (100.00 = exact).
    accuracy_percent = models.DecimalField(max_digits=5, decimal_places=2)
    backflow_test_result = models.CharField(max_length=10, choices=BackflowResult.choices)
    parts_charge = MoneyField(default=ZERO)
    labour_charge = MoneyField(default=ZERO)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(parts_charge__gte=0, labour_charge__gte=0),
                name="hydrant_inspection_charges_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(accuracy_percent__gte=0, accuracy_percent__lte=200),
                name="hydrant_inspection_accuracy_in_range",
            ),
        ]

    def __str__(self):
        return f"Inspection of {self.issue} on {self.inspected_on:%m/%d/%Y}"

    @property
    def damage_total(self):
        return self.parts_charge + self.labour_charge

    @property
    def is_damaged(self) -> bool:
        return bool(self.damage_items) or self.damage_total > 0

    @property
    def passed(self) -> bool:
        """The meter may go back to stock: its test passed and nothing is damaged."""
        return (
            self.meter_test_result == self.TestResult.PASS
            and self.backflow_test_result != self.BackflowResult.FAIL
            and not self.damage_items
        )

    @property
    def damage_labels(self) -> list[str]:
        labels = dict(self.Damage.choices)
        return [labels.get(item, item) for item in self.damage_items]


class HydrantInspectionPhoto(models.Model):
    """A photo (or PDF) of a returned meter's damage; its type read from its content."""

    inspection = models.ForeignKey(
        HydrantInspection, on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(upload_to=_photo_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "id"]

    def __str__(self):
        return self.original_name


@pghistory.track()
class HydrantSettlement(models.Model):
    """The permit's money at its close: what its meters' bills left owing, the deposit applied
    to it, and the rest refunded (through approval) or left billed."""

    permit = models.OneToOneField(
        HydrantPermit, on_delete=models.PROTECT, related_name="settlement"
    )
    balance_before = MoneyField()  # the account's balance (owed) before the deposit
    deposit_applied = MoneyField(default=ZERO)
    refund_amount = MoneyField(default=ZERO)
    balance_due = MoneyField(default=ZERO)  # still owed after the deposit ("excess billed")
    refund_request = models.ForeignKey(
        ApprovalRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(deposit_applied__gte=0, refund_amount__gte=0, balance_due__gte=0),
                name="hydrant_settlement_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__lte=F("deposit_applied")),
                name="hydrant_settlement_refund_within_deposit",
            ),
        ]

    def __str__(self):
        return f"Settlement of {self.permit}"
