"""The lobby queue: walk-in visitors' tickets, numbered per day, called to a window in turn."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models.contacts import Contact
from accounts.models.service_accounts import ServiceAccount
from district.transitions import Transitions

PAY_BILL = "pay_bill"  # a counter-only reason: the contact log records it as a payment
# The contact reasons, plus paying a bill at the counter (the commonest walk-in).
TICKET_REASONS = [(PAY_BILL, "Pay a bill"), *Contact.Reason.choices]


class LobbyTicket(Transitions, models.Model):
    """One visitor waiting in the lobby: why they came, when, and who served them at which window."""

    class Skill(models.TextChoices):
        PAYMENTS = "payments", "Payments"
        SERVICE = "service", "Start or stop service"
        BILLING = "billing", "Billing questions"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        CALLED = "called", "Called"
        SERVING = "serving", "Being served"
        DONE = "done", "Served"
        LEFT = "left", "Left (no-show)"

    # Called straight to done is allowed: a quick payment needs no separate "serving" step.
    ALLOWED_TRANSITIONS = {
        Status.WAITING: {Status.CALLED},
        Status.CALLED: {Status.SERVING, Status.DONE, Status.LEFT},
        Status.SERVING: {Status.DONE},
        Status.DONE: set(),
        Status.LEFT: set(),
    }
    WITH_A_CSR = (Status.CALLED, Status.SERVING)

    day = models.DateField(help_text="The office day the ticket was taken (local date).")
    number = models.PositiveIntegerField(help_text="1, 2, 3... per day; shown as A001.")
    reason = models.CharField(max_length=20, choices=TICKET_REASONS)
    skill = models.CharField(max_length=10, choices=Skill.choices)
    visitor_name = models.CharField(max_length=120, blank=True)
    account = models.ForeignKey(
        ServiceAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lobby_tickets",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    desk = models.CharField(max_length=30, blank=True, help_text="The window it was called to.")
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lobby_tickets_called",
    )
    served_at = models.DateTimeField(null=True, blank=True, help_text="When service ended.")
    outcome = models.TextField(blank=True)
    contact = models.OneToOneField(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lobby_ticket",
        help_text="The contact logged when the visit ended (one per ticket).",
    )

    class Meta:
        ordering = ["day", "number"]
        indexes = [models.Index(fields=["day", "status", "skill", "taken_at"])]
        constraints = [
            models.UniqueConstraint(fields=["day", "number"], name="lobby_ticket_number_per_day"),
            models.CheckConstraint(
                condition=~Q(visitor_name="") | Q(account__isnull=False),
                name="lobby_ticket_names_someone",
                violation_error_message="Type the visitor's name or pick their account.",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(called_at__isnull=False),
                name="lobby_ticket_called_has_called_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(served_at__isnull=False),
                name="lobby_ticket_done_has_served_at",
            ),
        ]

    def __str__(self):
        return f"Ticket {self.label}"

    @property
    def label(self) -> str:
        return f"A{self.number:03d}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def is_with_csr(self) -> bool:
        return self.status in self.WITH_A_CSR

    @property
    def can_start(self) -> bool:
        return self.can_move_to(self.Status.SERVING)

    @property
    def can_finish(self) -> bool:
        return self.can_move_to(self.Status.DONE)

    @property
    def can_leave(self) -> bool:
        return self.can_move_to(self.Status.LEFT)
