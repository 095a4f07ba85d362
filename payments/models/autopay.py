"""Autopay by ACH: a customer's authorization to draft a bank account, its drafts and files.

The bank account number is kept encrypted (payments/autopay/crypto.py, MultiFernet); only its
last four digits are kept in clear, for display. An enrolment starts pending its prenote (a
zero-dollar test entry) and becomes active when no return arrived within the policy's banking
days. A draft is written at most once per bill (a unique constraint, not only a check).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import ServiceAccount
from billing.models import Bill
from district.money import MoneyField
from district.transitions import Transitions


def _signed_form_path(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"autopay_forms/{instance.account_id}/{timezone.now():%Y%m%d%H%M%S}.{extension}"


class AutopayEnrolment(Transitions, models.Model):
    """One account's authorization to draft one bank account for its bills."""

    class AccountType(models.TextChoices):
        # Marked for the customer's pages, which translate the label there (stored records and
        # the staff pages keep the English).
        CHECKING = "checking", gettext_noop("Checking")
        SAVINGS = "savings", gettext_noop("Savings")

    class EntryClass(models.TextChoices):
        PPD = "PPD", "Signed form (PPD)"
        WEB = "WEB", "Online (WEB)"

    class Status(models.TextChoices):
        PENDING_PRENOTE = "pending_prenote", gettext_noop("Pending prenote")
        ACTIVE = "active", gettext_noop("Active")
        PAUSED = "paused", gettext_noop("Paused")
        SUSPENDED = "suspended", gettext_noop("Suspended")
        CANCELLED = "cancelled", gettext_noop("Cancelled")

    ALLOWED_TRANSITIONS = {
        Status.PENDING_PRENOTE: {Status.ACTIVE, Status.SUSPENDED, Status.CANCELLED},
        Status.ACTIVE: {Status.PAUSED, Status.SUSPENDED, Status.CANCELLED},
        Status.PAUSED: {Status.ACTIVE, Status.SUSPENDED, Status.CANCELLED},
        # A suspended enrolment (a return, a notice of change) resumes only through a new prenote.
        Status.SUSPENDED: {Status.PENDING_PRENOTE, Status.CANCELLED},
        Status.CANCELLED: set(),
    }
    LIVE_STATUSES = (Status.PENDING_PRENOTE, Status.ACTIVE, Status.PAUSED, Status.SUSPENDED)

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="autopay_enrolments"
    )
    holder_name = models.CharField(max_length=22, help_text="As the bank knows the holder.")
    routing_number = models.CharField(max_length=9)
    account_number_encrypted = models.TextField(help_text="Fernet token; never the digits.")
    account_last4 = models.CharField(max_length=4)
    account_type = models.CharField(max_length=8, choices=AccountType.choices)
    entry_class = models.CharField(max_length=3, choices=EntryClass.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_PRENOTE)
    authorization_text = models.TextField()
    authorized_at = models.DateTimeField(default=timezone.now)
    authorized_ip = models.GenericIPAddressField(null=True, blank=True)
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_form = models.FileField(upload_to=_signed_form_path, blank=True)
    suspended_reason = models.CharField(max_length=255, blank=True)
    prenote_sent_on = models.DateField(null=True, blank=True)
    prenote_file = models.ForeignKey(
        "AchFileRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="prenotes"
    )
    prenote_trace_number = models.CharField(max_length=15, null=True, blank=True, unique=True)
    active_from = models.DateField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live enrolment per account: a new bank account replaces (cancels) the old one.
            models.UniqueConstraint(
                fields=["account"],
                condition=~Q(status="cancelled"),
                name="autopay_one_live_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(routing_number__regex=r"^[0-9]{9}$"), name="autopay_routing_digits"
            ),
            models.CheckConstraint(
                condition=Q(account_last4__regex=r"^[0-9]{4}$"), name="autopay_last4_digits"
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(active_from__isnull=False),
                name="autopay_active_has_date",
            ),
        ]

    def __str__(self):
        return f"Autopay for account {self.account_id} ({self.masked_account})"

    @property
    def masked_account(self) -> str:
        return f"****{self.account_last4}"

    @property
    def is_pending_prenote(self) -> bool:
        return self.status == self.Status.PENDING_PRENOTE

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def can_cancel(self) -> bool:
        return self.can_move_to(self.Status.CANCELLED)

    @property
    def is_savings(self) -> bool:
        return self.account_type == self.AccountType.SAVINGS


class AchFileRecord(models.Model):
    """One NACHA file the district wrote: drafts or prenotes, kept byte for byte."""

    class Kind(models.TextChoices):
        DRAFT = "draft", "Drafts"
        PRENOTE = "prenote", "Prenotes"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    effective_date = models.DateField()
    # The file encrypted as the account numbers are (it holds them all in clear).
    content = models.TextField()
    entry_count = models.PositiveIntegerField()
    total_debit = MoneyField(default=0)
    total_credit = MoneyField(default=0)
    sha256 = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"ACH {self.get_kind_display().lower()} file {self.pk} ({self.created_at:%Y-%m-%d})"

    @property
    def file_name(self) -> str:
        return f"ach-{self.kind}-{self.created_at:%Y%m%d-%H%M}-{self.pk}.ach"


class AchDraft(Transitions, models.Model):
    """One debit of one enrolment's bank account for one bill."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        SENT = "sent", "Sent"
        SETTLED = "settled", "Settled"
        RETURNED = "returned", "Returned"

    ALLOWED_TRANSITIONS = {
        Status.DRAFTED: {Status.SENT, Status.RETURNED},
        Status.SENT: {Status.SETTLED, Status.RETURNED},
        Status.SETTLED: {Status.RETURNED},
        Status.RETURNED: set(),
    }

    enrolment = models.ForeignKey(AutopayEnrolment, on_delete=models.PROTECT, related_name="drafts")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()
    effective_date = models.DateField()
    trace_number = models.CharField(max_length=15, unique=True)
    file = models.ForeignKey(
        AchFileRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="drafts"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFTED)
    journal_id = models.BigIntegerField(null=True, blank=True)
    payment = models.OneToOneField(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bill"], name="autopay_draft_once_per_bill"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="autopay_draft_positive"),
        ]

    def __str__(self):
        return f"ACH draft {self.trace_number} for bill {self.bill_id}"

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED


class AutopayReminder(models.Model):
    """The pre-draft e-mail sent for one bill (at most one: the unique bill)."""

    enrolment = models.ForeignKey(
        AutopayEnrolment, on_delete=models.PROTECT, related_name="reminders"
    )
    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="+")
    sent_to = models.EmailField()
    amount = MoneyField()
    draft_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Autopay reminder for bill {self.bill_id}"
