"""The supervisor's review of a CSR I's money-moving work: one row per record sampled."""

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from district.money import MoneyField


@pghistory.track()
class ReviewItem(models.Model):
    """A CSR I's record (a counter payment, a service start, ...) filed for a supervisor's
    review, and the supervisor's finding. Filed once per record (the unique constraint), so the
    nightly sampling can run again; the row with its history is the record of who reviewed what.
    """

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        FOLLOW_UP = "follow_up", "Needs follow-up"

    class Reason(models.TextChoices):
        SAMPLED = "sampled", "Sampled"
        AMOUNT = "amount", "Over the review amount"

    kind = models.CharField(max_length=30)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=200)
    amount = MoneyField(null=True, blank=True)
    # The date the work was done (the sampled day), for the list and the task's window.
    done_on = models.DateField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.SAMPLED)
    sampled_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["sampled_at", "id"]
        indexes = [models.Index(fields=["reviewed_at", "sampled_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="review_item_once_per_record"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=models.F("done_by")),
                name="review_item_not_own_work",
                violation_error_message="Nobody reviews their own work.",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True, outcome="")
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False, outcome__in=["ok"])
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False, outcome="follow_up")
                & ~Q(note=""),
                name="review_item_finding_complete",
            ),
        ]

    def __str__(self):
        return f"Review #{self.pk}: {self.label}"

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def needs_follow_up(self) -> bool:
        return self.outcome == self.Outcome.FOLLOW_UP
