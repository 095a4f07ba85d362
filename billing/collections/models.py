"""Collections: the ladder of steps, the steps taken, holds, notices, phone attempts and visits.

A delinquency is identified by its account and its oldest unpaid bill (balance forward:
payments pay the oldest bills first, so once that bill is paid the next unpaid one starts a
new delinquency with its own ladder). Every step taken is one CollectionAction row, unique
per (account, bill, kind, key), so a nightly rerun writes nothing new.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import ServiceAccount
from district.money import MoneyField

CustomerClass = ServiceAccount.CustomerClass
# Health & Safety Code 116900-116926 protects residential service (these classes).
RESIDENTIAL_CLASSES = frozenset({CustomerClass.RESIDENTIAL, CustomerClass.MULTI_FAMILY})


class StepKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    LATE_PENALTY = "late_penalty", "Late penalty"
    DISCONNECTION_NOTICE = "disconnection_notice", "Written disconnection notice"
    FINAL_NOTICE = "final_notice", "Final notice (door hanger)"
    SHUTOFF_ELIGIBLE = "shutoff_eligible", "Eligible for shut-off"


@pghistory.track()
class LadderStep(models.Model):
    """One step of a customer class's collection ladder, taken N days after the due date."""

    customer_class = models.CharField(max_length=15, choices=CustomerClass.choices)
    kind = models.CharField(max_length=25, choices=StepKind.choices)
    days_after_due = models.PositiveIntegerField(
        help_text="Days after the bill's due date on which this step is taken."
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["customer_class", "days_after_due", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_class", "kind"],
                name="ladder_step_one_per_class_kind",
                violation_error_message="This class already has that step.",
            )
        ]

    def __str__(self):
        return f"{self.customer_class}: {self.get_kind_display()} at day {self.days_after_due}"


class CollectionAction(models.Model):
    """Something the ladder did (or declined to do) for one delinquency."""

    class Kind(models.TextChoices):
        REMINDER = StepKind.REMINDER
        LATE_PENALTY = StepKind.LATE_PENALTY
        DISCONNECTION_NOTICE = StepKind.DISCONNECTION_NOTICE
        FINAL_NOTICE = StepKind.FINAL_NOTICE
        SHUTOFF_ELIGIBLE = StepKind.SHUTOFF_ELIGIBLE
        HELD = "held", "Held (ladder stopped)"
        NOTICE_REFUSED = "notice_refused", "Notice not issued (facts missing)"

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="collection_actions"
    )
    # The delinquency: its oldest unpaid bill.
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=25, choices=Kind.choices)
    # Distinguishes repeatable entries of one kind (the hold that stopped the ladder).
    key = models.CharField(max_length=60, blank=True, default="")
    taken_on = models.DateField()
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["account_id", "taken_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "bill", "kind", "key"], name="collection_action_once"
            )
        ]
        indexes = [models.Index(fields=["account", "bill"], name="collection_action_delinq_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.taken_on}"

    @property
    def is_step(self) -> bool:
        return self.kind in StepKind.values


@pghistory.track()
class CollectionHold(models.Model):
    """Something that stops the ladder for an account until it expires or is released."""

    class Kind(models.TextChoices):
        APPEAL = "appeal", "Bill appeal pending (H&S Code 116918)"
        MEDICAL = "medical", "Medical certification (H&S Code 116910)"
        PAYMENT_IN_FLIGHT = "payment_in_flight", "Payment reported on its way"

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="collection_holds"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    evidence = models.TextField(help_text="What the customer showed or told us, and where it is.")
    # Medical (116910) needs all three; kept per hold so the record shows what was received.
    provider_certificate = models.BooleanField(
        "certificate from a primary care provider", default=False
    )
    financial_inability = models.BooleanField(
        "statement of financial inability to pay", default=False
    )
    arrangement_willing = models.BooleanField(
        "willing to enter a payment arrangement", default=False
    )
    starts_on = models.DateField()
    # Inclusive last day the hold holds; blank = until released (an appeal awaiting decision).
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["account", "expires_on"], name="collection_hold_acct_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="medical")
                | Q(provider_certificate=True, financial_inability=True, arrangement_willing=True),
                name="collection_hold_medical_complete",
                violation_error_message="A medical hold needs all three documents.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("starts_on")),
                name="collection_hold_expires_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.starts_on}"

    def is_active_on(self, day) -> bool:
        return (
            self.released_at is None
            and self.starts_on <= day
            and (self.expires_on is None or self.expires_on >= day)
        )

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class DisconnectionNotice(models.Model):
    """The written notice of a delinquency (H&S Code 116908), with the facts it was made from.

    The PDF is rendered on demand from `facts` (one entry per copy: the customer's, the
    occupant's when the service address differs from the mailing address, and the tenants'
    for a landlord-billed account), so what is shown is what was issued.
    """

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="disconnection_notices"
    )
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    # The earliest lawful shut-off day; the customer may pay by it to avoid shut-off.
    pay_by = models.DateField()
    amount_delinquent = MoneyField()
    language = models.CharField(max_length=5)
    occupant_copy = models.BooleanField(default=False)
    # Landlord-billed accounts: the day the tenants were given notice.
    tenant_notice_on = models.DateField(null=True, blank=True)
    # {"customer": {...NoticeFacts fields...}, "occupant": {...}, "tenant": {...}}
    facts = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "bill"], name="disconnection_notice_once")
        ]

    def __str__(self):
        return f"Disconnection notice {self.issued_on} (pay by {self.pay_by})"

    @property
    def copies(self) -> list[str]:
        return [kind for kind in ("customer", "occupant", "tenant") if kind in self.facts]


class PhoneAttempt(models.Model):
    """A call to the customer about the delinquency (H&S Code 116908(a)(1)(B))."""

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached the customer"
        NO_ANSWER = "no_answer", "No answer"
        LEFT_MESSAGE = "left_message", "Left a message"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        NO_PHONE = "no_phone", "No phone on file"

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="phone_attempts"
    )
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    phone = models.CharField(max_length=10, blank=True)
    notes = models.TextField(blank=True)
    attempted_at = models.DateTimeField()
    attempted_on = models.DateField()
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["account", "attempted_on"], name="phone_attempt_acct_idx")]

    def __str__(self):
        return f"{self.get_outcome_display()} at {self.attempted_at:%Y-%m-%d %H:%M}"

    @property
    def is_reached(self) -> bool:
        return self.outcome == self.Outcome.REACHED


class GoodFaithVisit(models.Model):
    """A door hanger left at the premise when the customer could not be reached by phone."""

    account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="good_faith_visits"
    )
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    work_order = models.OneToOneField(
        "field_ops.WorkOrder", on_delete=models.PROTECT, related_name="good_faith_visit"
    )
    ordered_on = models.DateField()
    # When the crew says the notice was left (their entered time on the completion day).
    visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ordered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "bill"], name="good_faith_visit_once")
        ]
        indexes = [models.Index(fields=["account", "visited_at"], name="good_faith_visit_acct_idx")]

    def __str__(self):
        return f"Door hanger ordered {self.ordered_on}"

    @property
    def is_done(self) -> bool:
        return self.visited_at is not None
