"""Cash drawers and their sessions: one cashier's use of one drawer, open to blind close.

The session carries the drawer's only mutable state (open -> closed); the constraints keep one
open session per drawer and per cashier.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from district.approvals.models import ApprovalRequest
from district.ledger.models import Journal
from district.money import ZERO, MoneyField
from district.transitions import Transitions


class Drawer(models.Model):
    """A cash drawer (till) at a counter."""

    name = models.CharField(max_length=50, unique=True)
    location = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DrawerSession(Transitions, models.Model):
    """One cashier's use of one drawer, from the counted opening float to the blind close."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    ALLOWED_TRANSITIONS = {Status.OPEN: {Status.CLOSED}, Status.CLOSED: set()}

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
    # Who counted and closed it: the cashier, or a supervisor closing on behalf of a till or
    # kiosk's service user (never the one who approves the over/short).
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
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

    @property
    def is_open(self) -> bool:
        """Taking payments (it can still be closed)."""
        return self.can_move_to(self.Status.CLOSED)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def balanced(self) -> bool:
        return self.over_short_state == self.OverShort.NONE

    @property
    def over_short_posted(self) -> bool:
        return self.over_short_state == self.OverShort.POSTED

    @property
    def over_short_pending(self) -> bool:
        """The difference is beyond tolerance and waits for a supervisor (or a recount)."""
        return self.over_short_state == self.OverShort.PENDING
