"""Billing: rate schedules and their versions, billing cycles and periods, read imports."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from district.money import MoneyField, RateField
from district.transitions import Transitions


class RateSchedule(models.Model):
    """A named tariff (e.g. "Water service, inside the district"), priced by its versions."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class RateScheduleVersion(models.Model):
    """One effective-dated version of a schedule, loaded from a YAML file (docs/rates.md).

    The source text and its parsed form are kept together. A version that priced a posted bill
    is locked: it is never edited again (a trigger refuses it); a change is a new version.
    """

    schedule = models.ForeignKey(RateSchedule, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    source = models.TextField(help_text="The YAML as loaded.")
    # The validated schedule as the engine reads it (money and rates as strings).
    parsed = models.JSONField()
    sha256 = models.CharField(max_length=64)
    notes = models.CharField(max_length=255, blank=True)
    locked = models.BooleanField(default=False, help_text="Priced a posted bill: never edited.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["schedule", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "version"], name="rate_version_number_once"
            ),
            models.UniqueConstraint(
                fields=["schedule", "effective_from"], name="rate_version_one_per_effective_date"
            ),
        ]
        triggers = [
            # Once locked, only nothing changes: no edit of the content, no unlocking, no delete.
            pgtrigger.Protect(
                name="rate_version_locked_is_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__locked=True),
            ),
        ]

    def __str__(self):
        return f"{self.schedule.code} v{self.version} from {self.effective_from}"


@pghistory.track()
class BillingCycle(models.Model):
    """Routes billed together, monthly or every two months."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        BIMONTHLY = "bimonthly", "Every two months"

    code = models.CharField(
        max_length=10, unique=True, help_text="Matches ServiceAccount.billing_cycle"
    )
    name = models.CharField(max_length=80)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    routes = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    # Days after the bill date that the bill falls due (e.g. 21).
    due_days = models.PositiveSmallIntegerField(default=21)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class BillingPeriod(Transitions, models.Model):
    """One period of a cycle: its service dates, read window, bill date and due date."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SCHEDULED = "scheduled", "Bill run scheduled"
        BILLED = "billed", "Billed"

    # One service each (billing.calendar.services); the bill run itself moves it to billed.
    ALLOWED_TRANSITIONS = {
        Status.PLANNED: {Status.SCHEDULED},
        Status.SCHEDULED: {Status.PLANNED, Status.BILLED},
        Status.BILLED: set(),
    }

    cycle = models.ForeignKey(BillingCycle, on_delete=models.PROTECT, related_name="periods")
    period_start = models.DateField()
    period_end = models.DateField()
    read_window_start = models.DateField()
    read_window_end = models.DateField()
    bill_date = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "period_start"], name="billing_period_once"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="billing_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(read_window_end__gte=F("read_window_start")),
                name="billing_read_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("bill_date")), name="billing_due_after_bill_date"
            ),
        ]

    def __str__(self):
        return f"{self.cycle.code} {self.period_start} to {self.period_end}"

    # What the calendar pages may offer (billing.calendar.services decides and moves).
    @property
    def can_be_scheduled(self) -> bool:
        return self.can_move_to(self.Status.SCHEDULED)

    @property
    def can_be_unscheduled(self) -> bool:
        return self.can_move_to(self.Status.PLANNED)

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_billed(self) -> bool:
        return self.status == self.Status.BILLED


class ReadImport(models.Model):
    """A handheld or AMI read file loaded all or nothing; its hash makes a re-load a no-op."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    row_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    # field_ops.MeterRead ids created by this file (field_ops sits below billing).
    read_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} ({self.row_count} reads)"


class BillRun(Transitions, models.Model):
    """Billing one cycle's period: calculate -> audit -> post -> issue (a Celery pipeline)."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        CALCULATING = "calculating", "Calculating"
        AUDIT = "audit", "In audit"
        POSTING = "posting", "Posting"
        POSTED = "posted", "Posted"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"

    ALLOWED_TRANSITIONS = {
        Status.CREATED: {Status.CALCULATING},
        Status.CALCULATING: {Status.AUDIT, Status.FAILED},
        Status.AUDIT: {Status.CALCULATING, Status.POSTING},
        Status.POSTING: {Status.POSTED, Status.FAILED},
        Status.POSTED: {Status.ISSUED},
        Status.ISSUED: set(),
        Status.FAILED: {Status.CALCULATING, Status.POSTING},
    }

    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Progress, recomputed from the bills (never incremented), so a redelivered task is harmless.
    accounts_total = models.PositiveIntegerField(default=0)
    bills_calculated = models.PositiveIntegerField(default=0)
    exceptions_open = models.PositiveIntegerField(default=0)
    calculated_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    # A supervisor may post past open blocking exceptions, with a reason.
    override_reason = models.CharField(max_length=255, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    print_file = models.FileField(upload_to="bill_runs/", blank=True)
    error = models.TextField(blank=True)
    # When the current stage (calculating, posting, issuing) last moved: set as it starts and
    # after each chunk, so a stage with no progress for the stall policy's time is stalled.
    progress_at = models.DateTimeField(null=True, blank=True)
    # When someone asked for the run to be issued (the issue task marks it issued when done).
    issue_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=~Q(status="failed"),
                name="bill_run_one_live_per_period",
                violation_error_message="This period already has a bill run.",
            )
        ]

    def __str__(self):
        return f"Bill run {self.pk} ({self.period})"

    @property
    def is_calculating(self) -> bool:
        return self.status == self.Status.CALCULATING

    @property
    def in_audit(self) -> bool:
        return self.status == self.Status.AUDIT

    @property
    def can_be_issued(self) -> bool:
        return self.can_move_to(self.Status.ISSUED)


class Bill(Transitions, models.Model):
    """One bill of one account for one period. Posted bills never change: a correction cancels
    the bill (a reversing journal) and a new bill replaces it, both kept."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "Regular"
        FINAL = "final", "Final"
        REBILL = "rebill", "Corrected bill"

    class Status(models.TextChoices):
        CALCULATED = "calculated", "Calculated"
        HELD = "held", "Held"
        POSTED = "posted", "Posted"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS = {
        Status.CALCULATED: {Status.HELD, Status.POSTED, Status.CALCULATED},
        Status.HELD: {Status.CALCULATED, Status.POSTED},
        Status.POSTED: {Status.CANCELLED},
        Status.CANCELLED: set(),
    }

    # No single-column indexes on account and run: (account, period_end) and (run, status)
    # below lead with them, and a bill run writes every index of every bill twice.
    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="bills", db_index=False
    )
    run = models.ForeignKey(
        BillRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        db_index=False,
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CALCULATED)
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    bill_date = models.DateField()
    due_date = models.DateField()
    rate_version = models.ForeignKey(
        RateScheduleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )
    previous_read = models.ForeignKey(
        "field_ops.MeterRead", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_read = models.ForeignKey(
        "field_ops.MeterRead", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consumption = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    estimated = models.BooleanField(default=False)
    current_charges = MoneyField(default=0)
    # Figures printed on the bill, fixed when it posts.
    previous_balance = MoneyField(default=0)
    amount_due = MoneyField(default=0)
    journal_id = models.BigIntegerField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    cancel_reason = models.CharField(max_length=255, blank=True)
    pdf = models.FileField(upload_to="bills/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    # When the bill went to the customer (a print data file row or an email): a bill run's
    # bills when the run is issued, bills posted outside runs (final and corrected bills) by
    # the nightly issue (billing.bill_runs.issue.outside_run_bills_issue). Set once: a bill
    # goes out once.
    issued_at = models.DateTimeField(null=True, blank=True)
    print_file = models.ForeignKey(
        "PrintFile", on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [
            models.Index(fields=["account", "period_end"]),
            models.Index(fields=["run", "status"]),
            # An account's posted bills newest first: the bill history (earlier bills of the
            # bill page, PDF and "why high?"), the latest bill per account (late penalties,
            # the bill run's previous read, final bills), read straight off the index.
            models.Index(
                fields=["account", "-period_end", "-id"],
                condition=Q(status="posted"),
                name="bill_posted_history_idx",
            ),
        ]
        constraints = [
            # One live bill per account and period: a redelivered task cannot bill twice.
            models.UniqueConstraint(
                fields=["account", "period_start"],
                condition=~Q(status="cancelled"),
                name="bill_once_per_account_and_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="bill_period_ordered"
            ),
            # A posted bill is numbered and journalled; a $0.00 bill moves no money and may
            # post without a journal (a journal needs two non-zero lines).
            models.CheckConstraint(
                condition=~Q(status="posted")
                | Q(number__isnull=False, journal_id__isnull=False)
                | Q(number__isnull=False, current_charges=0),
                name="bill_posted_has_number_and_journal_unless_zero",
            ),
        ]

    def __str__(self):
        return self.number or f"Bill {self.pk} (not posted)"

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def can_be_cancelled(self) -> bool:
        """A posted bill is corrected by cancel and rebill (billing.corrections decides)."""
        return self.can_move_to(self.Status.CANCELLED)

    @property
    def is_regular(self) -> bool:
        return self.kind == self.Kind.REGULAR

    @property
    def title(self) -> str:
        """What the bill is called on its PDF and the portal: a regular bill is a water bill."""
        return BILL_TITLES[self.kind]


BILL_TITLES = {
    Bill.Kind.REGULAR: "Water bill",
    Bill.Kind.FINAL: "Final bill",
    Bill.Kind.REBILL: "Corrected bill",
}


class PrintFile(models.Model):
    """A print data file of the bills posted outside bill runs (final and corrected bills),
    written by the nightly final-bills task for the mail house (a run's file is BillRun's)."""

    issued_on = models.DateField()
    file = models.FileField(upload_to="print_files/")
    bill_count = models.PositiveIntegerField(help_text="Rows in the file (bills to print).")
    emailed_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Print file of {self.issued_on} ({self.bill_count} bills)"


class BillLine(models.Model):
    # Indexed by the unique (bill, position) constraint, which leads with it.
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines", db_index=False)
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    category = models.CharField(max_length=20, help_text="fixed, volumetric, surcharge, sewer...")
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    rate = RateField(null=True, blank=True)
    amount = MoneyField()
    version_label = models.CharField(max_length=60, blank=True)
    proration_note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["bill", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "position"], name="bill_line_position_once")
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"


class BillException(models.Model):
    """Something the bill audit wants a person to look at before the run posts."""

    class Kind(models.TextChoices):
        HIGH_USE = "high_use", "High use"
        LOW_USE = "low_use", "Low use"
        ZERO_USE = "zero_use", "Zero use"
        BELOW_LAST = "below_last", "Reading below last"
        ESTIMATED = "estimated", "Estimated read"
        AMOUNT_OVER = "amount_over", "Amount over threshold"
        OVER_TYPICAL = "over_typical", "Over N times the typical bill"
        FIRST_BILL = "first_bill", "First bill"
        FINAL_BILL = "final_bill", "Final bill"
        CREDIT_BALANCE = "credit_balance", "Credit balance"
        MISSING_READ = "missing_read", "Missing read"
        NEVER_BILLED = "never_billed", "Active account not billed"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        HELD = "held", "Bill held"
        RESOLVED = "resolved", "Resolved"

    # Indexed by the unique (run, account, kind) constraint, which leads with it.
    run = models.ForeignKey(
        BillRun, on_delete=models.CASCADE, related_name="exceptions", db_index=False
    )
    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="bill_exceptions"
    )
    bill = models.ForeignKey(
        Bill, on_delete=models.SET_NULL, null=True, blank=True, related_name="exceptions"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    blocking = models.BooleanField(default=True)
    detail = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    # field_ops.WorkOrder requested from the audit (a re-read or a leak investigation).
    work_order = models.ForeignKey(
        "field_ops.WorkOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["run", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "account", "kind"], name="bill_exception_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.account_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


@pghistory.track()
class Adjustment(Transitions, models.Model):
    """A credit or debit to an account with a reason code, within the person's limit or
    through approval. Leak adjustments carry their evidence."""

    class Direction(models.TextChoices):
        CREDIT = "credit", "Credit"
        DEBIT = "debit", "Debit"

    class Reason(models.TextChoices):
        LEAK = "leak", "Leak adjustment"
        BILLING_ERROR = "billing_error", "Billing error"
        METER_ERROR = "meter_error", "Meter error"
        FEE_WAIVER = "fee_waiver", "Fee waiver"
        GOODWILL = "goodwill", "Goodwill"
        CORRECTION = "correction", "Other correction"

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "Waiting for approval"
        POSTED = "posted", "Posted"
        REJECTED = "rejected", "Rejected"

    # One service each (billing.corrections.services): posted within the limit or on approval.
    ALLOWED_TRANSITIONS = {
        Status.PENDING_APPROVAL: {Status.POSTED, Status.REJECTED},
        Status.POSTED: set(),
        Status.REJECTED: set(),
    }

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="adjustments"
    )
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    direction = models.CharField(max_length=6, choices=Direction.choices)
    reason = models.CharField(max_length=15, choices=Reason.choices)
    amount = MoneyField()
    memo = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices)
    idempotency_key = models.CharField(max_length=120, unique=True)
    journal_id = models.BigIntegerField(null=True, blank=True)
    approval_request_id = models.BigIntegerField(null=True, blank=True)
    # Leak adjustments: how the credit was worked out, and the evidence.
    calculation = models.JSONField(default=dict, blank=True)
    evidence_work_order = models.ForeignKey(
        "field_ops.WorkOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence_file = models.FileField(upload_to="adjustments/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_positive"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.amount} on {self.account_id}"
