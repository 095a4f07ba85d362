"""The contact log, cases and the departments they are referred to."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models.customers import Customer
from accounts.models.service_accounts import ServiceAccount
from district.transitions import Transitions


class Department(models.Model):
    """An office callers and cases are referred to (Engineering, Finance, Field crew...)."""

    name = models.CharField(max_length=80, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """One interaction with a customer or visitor: who, how, why, what was said, who it went to."""

    class Channel(models.TextChoices):
        COUNTER = "counter", "Counter"
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        MAIL = "mail", "Mail"
        PORTAL = "portal", "Online portal"
        FIELD = "field", "Field"

    class Reason(models.TextChoices):
        BILLING = "billing", "Billing question"
        PAYMENT = "payment", "Payment"
        START = "start", "Start service"
        STOP = "stop", "Stop service"
        TRANSFER = "transfer", "Transfer service"
        HIGH_BILL = "high_bill", "High bill"
        LEAK = "leak", "Leak"
        PAYMENT_PLAN = "payment_plan", "Payment arrangement"
        SERVICE_QUALITY = "quality", "Water quality or pressure"
        COMPLAINT = "complaint", "Complaint"
        RETURNED_PAYMENT = "returned_payment", "Returned payment"
        COLLECTIONS = "collections", "Collections and shut-off"
        GENERAL = "general", "General inquiry"
        OTHER = "other", "Other"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    notes = models.TextField(blank=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    visitor_name = models.CharField(
        max_length=120, blank=True, help_text="For callers with no account."
    )
    referred_to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    referred_to_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    referral_done_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-logged_at", "-id"]
        indexes = [
            models.Index(fields=["account", "logged_at"]),
            models.Index(fields=["customer", "logged_at"]),
            models.Index(fields=["referred_to_user", "referral_done_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False)
                | Q(account__isnull=False)
                | ~Q(visitor_name=""),
                name="contact_is_about_someone",
                violation_error_message="Pick the customer or account, or type the visitor's name.",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.get_reason_display()}"


@pghistory.track()
class Case(Transitions, models.Model):
    """An inquiry or complaint followed to resolution."""

    class Category(models.TextChoices):
        BILLING_DISPUTE = "billing_dispute", "Billing dispute"
        HIGH_BILL = "high_bill", "High bill"
        LEAK = "leak", "Leak"
        SERVICE_QUALITY = "service_quality", "Service quality"
        STAFF_COMPLAINT = "staff_complaint", "Staff complaint"
        OTHER = "other", "Other"

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        NORMAL = "normal", "Normal"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting on customer"
        REFERRED = "referred", "Referred"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    ALLOWED_TRANSITIONS = {
        Status.OPEN: {Status.WAITING, Status.REFERRED, Status.RESOLVED},
        Status.WAITING: {Status.OPEN, Status.REFERRED, Status.RESOLVED},
        Status.REFERRED: {Status.OPEN, Status.WAITING, Status.RESOLVED},
        Status.RESOLVED: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: set(),
    }
    OPEN_STATUSES = (Status.OPEN, Status.WAITING, Status.REFERRED)

    category = models.CharField(max_length=20, choices=Category.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    subject = models.CharField(max_length=200)
    description = models.TextField()
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    due_date = models.DateField()
    resolution = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["department", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(resolution=""),
                name="case_resolved_has_resolution",
                violation_error_message="Write the resolution before resolving the case.",
            ),
        ]

    def __str__(self):
        return f"Case {self.pk}: {self.subject}"

    @property
    def is_high_priority(self) -> bool:
        return self.priority == self.Priority.HIGH

    @property
    def is_open(self) -> bool:
        """Still being worked (open, waiting or referred), not resolved or closed."""
        return self.status in self.OPEN_STATUSES


class CaseNote(models.Model):
    """A follow-up on a case: what was done or said, by whom, when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    note = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self):
        return f"Note on case {self.case_id}"
