"""Cashiering: drawers and their sessions, payments with their tenders, batches, returned items,
bank deposits and the bank's own files.

Money rows are written once. A payment, its lines and tenders are never updated or deleted
(triggers refuse it); a void or a returned check is a new row with its own reversing journal,
and each payment is voided at most once and each tender returned at most once (unique links).
The drawer session and the batch carry the only mutable state (open -> closed / posted), and
the constraints below keep one open session per drawer and per cashier, and each session and
batch in at most one bank deposit.
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

_APPEND_ONLY = pgtrigger.Update | pgtrigger.Delete


class Drawer(models.Model):
    """A cash drawer (till) at a counter."""

    name = models.CharField(max_length=50, unique=True)
    location = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DrawerSession(models.Model):
    """One cashier's use of one drawer, from the counted opening float to the blind close."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class OverShort(models.TextChoices):
        NONE = "none", "Balanced"
        POSTED = "posted", "Posted"
        PENDING = "pending", "Awaiting approval"

    drawer = models.ForeignKey(Drawer, on_delete=models.PROTECT, related_name="sessions")
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drawer_sessions"
    )
    business_date = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    opening_float = MoneyField()
    # {"100.00": 2, "0.25": 40, ...}: count per denomination (dollars as text).
    opening_count = models.JSONField(default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The blind count, float included, and the terminal's card batch total.
    close_count = models.JSONField(default=dict, blank=True)
    counted_cash = MoneyField(null=True, blank=True)
    counted_checks = MoneyField(null=True, blank=True)
    counted_check_items = models.PositiveIntegerField(null=True, blank=True)
    counted_money_orders = MoneyField(null=True, blank=True)
    counted_cards = MoneyField(null=True, blank=True)
    # What the system expected, fixed at the close (float included in cash).
    expected_cash = MoneyField(null=True, blank=True)
    expected_checks = MoneyField(null=True, blank=True)
    expected_money_orders = MoneyField(null=True, blank=True)
    expected_cards = MoneyField(null=True, blank=True)
    over_short = MoneyField(default=ZERO, help_text="Counted minus expected; over > 0.")
    over_short_state = models.CharField(
        max_length=10, choices=OverShort.choices, default=OverShort.NONE
    )
    over_short_journal = models.OneToOneField(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    over_short_request = models.OneToOneField(
        ApprovalRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["business_date", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["drawer"],
                condition=Q(status="open"),
                name="drawer_one_open_session",
                violation_error_message="This drawer is already open.",
            ),
            models.UniqueConstraint(
                fields=["cashier"],
                condition=Q(status="open"),
                name="cashier_one_open_session",
                violation_error_message="This cashier already has a drawer open.",
            ),
            models.CheckConstraint(
                condition=Q(opening_float__gte=0), name="drawer_float_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False, counted_cash__isnull=False),
                name="drawer_closed_has_count",
            ),
        ]

    def __str__(self):
        return f"{self.drawer} {self.business_date:%Y-%m-%d} ({self.cashier})"

    def get_absolute_url(self):
        return reverse("payments:counter_session", args=[self.pk])


class PaymentBatch(models.Model):
    """Payments entered together: a mail batch typed by a CSR, or a processor/lockbox file."""

    class Kind(models.TextChoices):
        MAIL = "mail", "Mail"
        LOCKBOX = "lockbox", "Bank lockbox file"
        PROCESSOR = "processor", "Payment processor file"

    class Status(models.TextChoices):
        OPEN = "open", "Open for entry"
        POSTED = "posted", "Posted"

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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "payment batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(control_total__gte=0), name="batch_control_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="open", journal__isnull=True, posted_at__isnull=True)
                | Q(status="posted", journal__isnull=False, posted_at__isnull=False),
                name="batch_posted_has_journal",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} batch {self.pk}"


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
        triggers = [pgtrigger.Protect(name="payment_append_only", operation=_APPEND_ONLY)]

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
        triggers = [pgtrigger.Protect(name="payment_line_append_only", operation=_APPEND_ONLY)]

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
        triggers = [pgtrigger.Protect(name="tender_append_only", operation=_APPEND_ONLY)]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class PaymentVoid(models.Model):
    """A same-day void, approved by a supervisor: its journal reverses the payment's."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="void")
    request = models.OneToOneField(ApprovalRequest, on_delete=models.PROTECT, related_name="+")
    journal = models.OneToOneField(Journal, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=255)
    voided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers = [pgtrigger.Protect(name="payment_void_append_only", operation=_APPEND_ONLY)]

    def __str__(self):
        return f"Void of {self.payment}"


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
        triggers = [pgtrigger.Protect(name="returned_item_append_only", operation=_APPEND_ONLY)]

    def __str__(self):
        return f"Returned {self.tender}"


class BatchItem(models.Model):
    """One item of a batch as entered or read from a file; becomes a Payment when posted.

    An item that matches no account is kept as an exception for a CSR to resolve: its money is
    posted to unapplied payments with the batch and moved to the account once resolved.
    """

    class Status(models.TextChoices):
        ENTERED = "entered", "Entered"
        EXCEPTION = "exception", "No matching account"
        POSTED = "posted", "Posted"
        RESOLVED = "resolved", "Resolved to an account"

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


class BankDeposit(models.Model):
    """A deposit taken to the bank: closed drawer sessions and posted batches, once each."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "Prepared (in transit)"
        MATCHED = "matched", "Matched to the bank"

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
        triggers = [pgtrigger.Protect(name="deposit_item_append_only", operation=_APPEND_ONLY)]

    def __str__(self):
        return f"{self.amount} in {self.deposit}"


class Letter(models.Model):
    """A letter queued for the mail room (a returned payment notice, ...), printed from a
    template when the queue is worked."""

    class Kind(models.TextChoices):
        RETURNED_PAYMENT = "returned_payment", "Returned payment notice"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PRINTED = "printed", "Printed"

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


class Bai2File(models.Model):
    """A BAI2 prior-day report from the bank, imported once (by its sha256)."""

    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=200)
    sender = models.CharField(max_length=40)
    receiver = models.CharField(max_length=40)
    created_on = models.DateField()
    created_time = models.CharField(max_length=4, blank=True)
    file_id = models.CharField(max_length=40)
    group_count = models.PositiveIntegerField()
    record_count = models.PositiveIntegerField()
    control_total = models.BigIntegerField(help_text="In cents, as the file states it.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = "BAI2 file"

    def __str__(self):
        return f"{self.file_name} ({self.created_on:%Y-%m-%d})"


class Bai2Upload(models.Model):
    """A BAI2 file as uploaded, kept before it is imported: the import task reads the bytes
    from here by id (nothing large goes through the broker), and writes back what happened,
    so the page can say pending, imported or refused (with the reason) whichever process ran it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be imported"
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused"

    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()  # bytes
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    refusal = models.TextField(blank=True)  # why the file was refused, as the importer said
    message = models.CharField(max_length=255, blank=True)  # what the import did
    file = models.ForeignKey(
        Bai2File, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "BAI2 upload"

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display().lower()})"


class Bai2AccountReport(models.Model):
    """One account's report in one group of a file: its summaries (03/88) and control (49)."""

    file = models.ForeignKey(Bai2File, on_delete=models.PROTECT, related_name="accounts")
    group_number = models.PositiveIntegerField()
    originator = models.CharField(max_length=40)
    as_of_date = models.DateField()
    account_number = models.CharField(max_length=40)
    currency = models.CharField(max_length=3)
    # [{"type_code": "010", "amount": 3472697900 (cents or null), "item_count": 1, "funds": ...}]
    summaries = models.JSONField(default=list, blank=True)
    control_total = models.BigIntegerField(help_text="In cents, as the file states it.")

    class Meta:
        ordering = ["file", "group_number", "id"]

    def __str__(self):
        return f"{self.account_number} {self.as_of_date:%Y-%m-%d}"


class Bai2Transaction(models.Model):
    """A detail (16) record and its continuations; matched to what the district expected."""

    class Direction(models.TextChoices):
        CREDIT = "credit", "Credit"
        DEBIT = "debit", "Debit"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        UNMATCHED = "unmatched", "Unmatched"
        MATCHED = "matched", "Matched"
        EXCEPTION = "exception", "Exception"
        RESOLVED = "resolved", "Resolved by hand"
        # A line of an account that receives no deposits (policy): kept, never matched.
        NOT_RECONCILED = "skipped", "Not reconciled"

    report = models.ForeignKey(
        Bai2AccountReport, on_delete=models.PROTECT, related_name="transactions"
    )
    type_code = models.CharField(max_length=3)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    amount = MoneyField()
    funds_type = models.JSONField(default=dict, blank=True)
    bank_reference = models.CharField(max_length=80, blank=True)
    customer_reference = models.CharField(max_length=80, blank=True)
    text = models.TextField(blank=True)
    # Identifies the line across files (account, date, code, amount, references, text, and
    # its occurrence), so a line the bank sends again is not imported twice.
    line_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    matched_deposit = models.OneToOneField(
        BankDeposit, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    matched_batch = models.OneToOneField(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    returned_item = models.OneToOneField(
        ReturnedItem, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    # One journal books a day's matched credits of one holding account (several lines).
    match_journal = models.ForeignKey(
        Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report", "id"]
        indexes = [models.Index(fields=["status", "direction"])]
        verbose_name = "BAI2 transaction"

    def __str__(self):
        return f"{self.type_code} {self.amount}"
