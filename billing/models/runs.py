"""Bill runs and the exceptions their audit raises."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from billing.models.bills import Bill
from billing.models.calendar import BillingPeriod
from district.keys import Key, kept_while_named, keys_checked, keys_checked_when_changed
from district.transitions import Transitions

# An exception's keys, checked by its triggers (district.keys) instead of foreign key
# constraints: a bill run raises about one an account. Bills and runs keep them by their own
# triggers (bill_kept, bill_run_kept), accounts by the one billing's migration 0007 puts on them.
EXCEPTION_KEYS = (
    Key("run_id", "billing_billrun"),
    Key("account_id", "accounts_serviceaccount"),
    Key("bill_id", "billing_bill"),
)


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
        # Its bills and exceptions name it by keys checked by them (district.keys).
        triggers = kept_while_named(
            "bill_run_kept", ("billing_bill", "run_id"), ("billing_billexception", "run_id")
        )

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
        BillRun,
        on_delete=models.CASCADE,
        related_name="exceptions",
        db_index=False,
        db_constraint=False,
    )
    # Not indexed on its own: every look-up names the run too (the unique index above leads
    # with run and account), and accounts are never deleted.
    account = models.ForeignKey(
        "accounts.ServiceAccount",
        on_delete=models.PROTECT,
        related_name="bill_exceptions",
        db_index=False,
        db_constraint=False,
    )
    bill = models.ForeignKey(
        Bill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exceptions",
        db_constraint=False,
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    blocking = models.BooleanField(default=True)
    detail = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Set on few exceptions: indexed only where set (Meta.indexes).
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    # field_ops.WorkOrder requested from the audit (a re-read or a leak investigation).
    work_order = models.ForeignKey(
        "field_ops.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["run", "kind", "id"]
        # A run writes an exception or more per account, nearly all without a resolver or a
        # work order: a partial index holds only the rows that name one, which is all the
        # foreign keys' checks and look-ups by them read.
        indexes = [
            models.Index(
                fields=["resolved_by"],
                condition=Q(resolved_by__isnull=False),
                name="bill_exception_resolver_idx",
            ),
            models.Index(
                fields=["work_order"],
                condition=Q(work_order__isnull=False),
                name="bill_exception_order_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "account", "kind"], name="bill_exception_once_per_kind"
            )
        ]
        triggers = [
            keys_checked("bill_exception_keys", *EXCEPTION_KEYS),
            keys_checked_when_changed("bill_exception_keys_changed", *EXCEPTION_KEYS),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.account_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class TypicalBills(models.Model):
    """Each customer class's typical (median) regular bill over the year before a month began:
    what a first bill, which has no history of its own, is held against in the audit.

    Worked out once a month, by the first calculation that needs it, then read by the month's
    other runs and workers: the median reads a year of the district's bills (1.7-2.2 s at
    100,000 accounts with a year of them), which once a run and worker process cost about as
    much CPU again as the bill run itself.
    """

    as_of = models.DateField(unique=True, help_text="The first day of the month.")
    amounts = models.JSONField(default=dict, help_text='Customer class -> "61.00".')
    bills = models.JSONField(default=dict, help_text="Customer class -> bills the median is of.")
    worked_out_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "typical bills"

    def __str__(self):
        return f"Typical bills as of {self.as_of:%m/%d/%Y}"
