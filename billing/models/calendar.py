"""The billing calendar: cycles of routes billed together, and their periods."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from district.transitions import Transitions


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
    # Why the nightly start of its scheduled run did not start it (billing.bill_runs.scheduled):
    # the start is not tried again until someone schedules the period anew; they may start the
    # run by hand meanwhile. Blank when nothing stood in the way.
    auto_start_problem = models.CharField(max_length=255, blank=True)

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
