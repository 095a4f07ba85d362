"""Billing: rate schedules and their versions, billing cycles and periods, read imports."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q


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


class BillingPeriod(models.Model):
    """One period of a cycle: its service dates, read window, bill date and due date."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SCHEDULED = "scheduled", "Bill run scheduled"
        BILLED = "billed", "Billed"

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
