"""What customers ask for online that a CSR carries out, and who looked at a portal page as
the customer."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from district.transitions import Transitions


@pghistory.track()
class ServiceRequest(Transitions, models.Model):
    """A customer's start, stop or transfer of service asked for online.

    Never carried out by itself: it waits in the CSRs' queue (district.queues, "Online service
    requests") until a CSR takes it into the counter's own start, stop or transfer page and
    closes it, or declines it with a reason the customer reads.
    """

    # Labels are marked for the Spanish catalog but stored and logged in English: the customer's
    # pages translate them as they show them ({% translate item.get_kind_display %}).
    class Kind(models.TextChoices):
        START = "start", gettext_noop("Start service")
        STOP = "stop", gettext_noop("Stop service")
        TRANSFER = "transfer", gettext_noop("Transfer service")

    class Status(models.TextChoices):
        WAITING = "waiting", gettext_noop("Waiting for the office")
        TAKEN = "taken", gettext_noop("Being handled")
        DONE = "done", gettext_noop("Done")
        DECLINED = "declined", gettext_noop("Declined")

    OPEN_STATUSES = (Status.WAITING, Status.TAKEN)
    ALLOWED_TRANSITIONS = {
        Status.WAITING: {Status.TAKEN, Status.DECLINED},
        Status.TAKEN: {Status.DONE, Status.DECLINED, Status.WAITING},
        Status.DONE: set(),
        Status.DECLINED: set(),
    }

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # The account it is about: the one to stop or move from; a start names the customer's
    # account it is asked from (who is asking), the new address is in `service_address`.
    service_account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="portal_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    wanted_on = models.DateField("date wanted")
    service_address = models.CharField("new service address", max_length=200, blank=True)
    forwarding_address = models.CharField(max_length=200, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="portal_request_queue_idx")]
        constraints = [
            # One open request of a kind per account: a second click does not file twice.
            models.UniqueConstraint(
                fields=["service_account", "kind"],
                condition=models.Q(status__in=["waiting", "taken"]),
                name="portal_request_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.service_account_id} ({self.status})"


class StaffPortalView(models.Model):
    """A CSR opened an account's portal page "as the customer" (read-only): who, which, when."""

    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    service_account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="+"
    )
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.viewed_by} viewed {self.service_account_id} as the customer"
