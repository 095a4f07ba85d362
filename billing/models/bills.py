"""Bills, their lines, and the print data files of the bills posted outside bill runs."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from billing.models.rates import RateScheduleVersion
from district.keys import (
    Key,
    column_kept,
    kept_while_named,
    keys_checked,
    keys_checked_when_changed,
)
from district.money import MoneyField, RateField
from district.transitions import Transitions

# A bill's keys, checked by its triggers (district.keys) instead of foreign key constraints.
# The parents keep them: runs and rate versions by their own triggers (bill_run_kept,
# rate_version_kept), accounts by the one billing's migration 0007 puts on them; meter reads
# are never deleted (meter_read_append_only).
BILL_KEYS = (
    Key("account_id", "accounts_serviceaccount"),
    Key("run_id", "billing_billrun"),
    Key("rate_version_id", "billing_ratescheduleversion"),
    Key("previous_read_id", "field_ops_meterread", locked=False),
    Key("current_read_id", "field_ops_meterread", locked=False),
)


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

    # A bill run writes every index of every bill twice (calculated, then posted: status and
    # number are indexed, so the update is never HOT), so a bill carries only the indexes a
    # query reads. None on account and run: (account, period_end) and (run, status) below lead
    # with them. None on the reads and the print file: no query looks bills up by them, reads
    # are never updated or deleted (a trigger refuses it), and print files are never deleted.
    # The number's uniqueness is a constraint below, not unique=True, which would add a second
    # (varchar_pattern_ops) index for LIKE that nothing runs.
    account = models.ForeignKey(
        "accounts.ServiceAccount",
        on_delete=models.PROTECT,
        related_name="bills",
        db_index=False,
        db_constraint=False,
    )
    run = models.ForeignKey(
        "BillRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CALCULATED)
    number = models.CharField(max_length=20, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    bill_date = models.DateField()
    due_date = models.DateField()
    # Not indexed: no query looks bills up by their rate version, and a version that priced a
    # posted bill is locked (the database refuses to delete it), so deleting a version is rare
    # enough for its check (rate_version_kept) to read the table.
    rate_version = models.ForeignKey(
        RateScheduleVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        db_index=False,
        db_constraint=False,
    )
    previous_read = models.ForeignKey(
        "field_ops.MeterRead",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    current_read = models.ForeignKey(
        "field_ops.MeterRead",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    consumption = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    estimated = models.BooleanField(default=False)
    current_charges = MoneyField(default=0)
    # Figures printed on the bill, fixed when it posts.
    previous_balance = MoneyField(default=0)
    amount_due = MoneyField(default=0)
    journal_id = models.BigIntegerField(null=True, blank=True)
    # The bill this one corrects; at most one bill replaces a bill (bill_replaces_once, which
    # holds only the few bills that replace one: a OneToOneField's unique index would take an
    # entry for every bill, twice a bill run).
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        db_index=False,
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
        "PrintFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        db_index=False,
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
            # The bills outside runs (finals, corrections) by date: with the runs' own index,
            # how the billing register finds a month's bills. A run's bills take no entry.
            models.Index(
                fields=["bill_date"],
                condition=Q(run__isnull=True),
                name="bill_outside_runs_date_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="bill_number_unique"),
            models.UniqueConstraint(
                fields=["replaces"],
                condition=Q(replaces__isnull=False),
                name="bill_replaces_once",
            ),
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
        triggers = [
            # Its keys, once an INSERT statement (district.keys): a bill run writes a hundred
            # thousand bills, and a foreign key checked each with a query of its own at commit
            # (five a bill). Reads are never deleted, so they need no lock.
            keys_checked("bill_keys", *BILL_KEYS),
            keys_checked_when_changed("bill_keys_changed", *BILL_KEYS),
            # Its lines' and exceptions' keys are checked by them; here, a bill is not deleted
            # from under them.
            *kept_while_named(
                "bill_kept", ("billing_billline", "bill_id"), ("billing_billexception", "bill_id")
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
    Bill.Kind.REGULAR: gettext_lazy("Water bill"),
    Bill.Kind.FINAL: gettext_lazy("Final bill"),
    Bill.Kind.REBILL: gettext_lazy("Corrected bill"),
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
    # Indexed by the unique (bill, position) constraint, which leads with it. The key is
    # checked once a statement by the bill_lines_keys trigger (district.keys), not a query a
    # line: a bill run writes hundreds of thousands of lines.
    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
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
        triggers = [
            keys_checked("bill_lines_keys", Key("bill_id", "billing_bill")),
            column_kept("bill_line_stays_on_its_bill", "bill_id"),
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"
