"""Assistance and outreach programs, and the accounts enrolled in them.

A program may give a bill benefit (a monthly credit, a percent discount of the water charges,
a one-time rebate) and may make an enrolled household income-qualified for SB 998 (Health &
Safety Code 116914). An enrolment covers the days from `starts_on` up to, not including, the
first of `expires_on` and `ended_on`: a 12-month enrolment from 1 January expires on the next
1 January, which is also the day its renewal starts.
"""

import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models.service_accounts import ServiceAccount
from district.money import MoneyField
from district.transitions import Transitions


@pghistory.track()
class Program(models.Model):
    """An assistance or outreach program the district enrols accounts in."""

    class Kind(models.TextChoices):
        LOW_INCOME_ASSISTANCE = "low_income_assistance", "Low-income assistance"
        SENIOR_DISCOUNT = "senior_discount", "Senior discount"
        MEDICAL_BASELINE = "medical_baseline", "Medical baseline"
        CONSERVATION_REBATE = "conservation_rebate", "Conservation rebate"
        OTHER = "other", "Other"

    class Benefit(models.TextChoices):
        NONE = "none", "None (qualifies or informs only)"
        MONTHLY_CREDIT = "monthly_credit", "Fixed monthly credit ($)"
        PERCENT_DISCOUNT = "percent_discount", "Percent discount of water charges"
        ONE_TIME_REBATE = "one_time_rebate", "One-time rebate ($)"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=25, choices=Kind.choices)
    description = models.TextField(blank=True)
    benefit = models.CharField(max_length=20, choices=Benefit.choices, default=Benefit.NONE)
    # Dollars for a monthly credit or a rebate, a percentage (15.00 = 15%) for a discount.
    benefit_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    income_qualifying = models.BooleanField(
        "enrolment makes the household income-qualified",
        default=False,
        help_text="Health & Safety Code 116914: e.g. CalFresh, CalWORKs, Medi-Cal, SSI/SSP, WIC, "
        "LIHEAP.",
    )
    requires_evidence = models.BooleanField(default=True)
    max_enrolment_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Enrolments expire after this; blank for no limit."
    )
    active = models.BooleanField(default=True, help_text="Inactive programs take no enrolments.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(benefit="none") & Q(benefit_amount=0))
                | (Q(benefit="percent_discount") & Q(benefit_amount__gt=0, benefit_amount__lte=100))
                | (Q(benefit__in=["monthly_credit", "one_time_rebate"]) & Q(benefit_amount__gt=0)),
                name="program_benefit_amount_fits",
                violation_error_message="A benefit needs an amount (a percentage at most 100); "
                "no benefit, no amount.",
            ),
            models.CheckConstraint(
                condition=Q(max_enrolment_months__isnull=True) | Q(max_enrolment_months__gte=1),
                name="program_max_months_positive",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def gives_credit(self) -> bool:
        return self.benefit != self.Benefit.NONE

    @property
    def is_percent_discount(self) -> bool:
        return self.benefit == self.Benefit.PERCENT_DISCOUNT

    @property
    def is_monthly_credit(self) -> bool:
        return self.benefit == self.Benefit.MONTHLY_CREDIT

    @property
    def is_one_time_rebate(self) -> bool:
        return self.benefit == self.Benefit.ONE_TIME_REBATE


@pghistory.track()
class Enrolment(Transitions, models.Model):
    """An account's enrolment in a program, with its evidence; renewal makes a new one."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    ALLOWED_TRANSITIONS = {Status.ACTIVE: {Status.ENDED}, Status.ENDED: set()}

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="program_enrolments"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrolments")
    evidence = models.CharField(
        "evidence seen",
        max_length=255,
        blank=True,
        help_text='What proves eligibility, e.g. "CalFresh benefit letter dated 3/2026".',
    )
    evidence_file = models.FileField(upload_to="program_evidence/", blank=True)
    # For the federal-poverty-level test (income_qualified); both or neither.
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)
    annual_income = MoneyField("annual household income", null=True, blank=True)
    starts_on = models.DateField()
    expires_on = models.DateField(
        null=True, blank=True, help_text="The first day no longer covered; blank for no limit."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    renewal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewed_by"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The first day no longer covered once ended (the end date, or the renewal's start).
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(
                fields=["program", "status", "expires_on"], name="enrolment_program_status_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "program"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_program",
                violation_error_message="This account is already enrolled in that program.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("starts_on")),
                name="enrolment_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True)
                | (Q(status="ended", ended_on__isnull=False) & ~Q(end_reason="")),
                name="enrolment_ended_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(household_size__isnull=True, annual_income__isnull=True)
                | Q(household_size__gte=1, annual_income__gte=0),
                name="enrolment_household_both_or_neither",
            ),
        ]

    def __str__(self):
        return f"{self.program} enrolment of {self.account}"

    @property
    def covered_until(self) -> datetime.date | None:
        """The first day not covered (None: open-ended)."""
        ends = [day for day in (self.expires_on, self.ended_on) if day is not None]
        return min(ends) if ends else None

    def covers(self, day: datetime.date) -> bool:
        until = self.covered_until
        return self.starts_on <= day and (until is None or day < until)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def can_end(self) -> bool:
        return self.can_move_to(self.Status.ENDED)

    @property
    def can_renew(self) -> bool:
        return self.is_active and self.expires_on is not None
