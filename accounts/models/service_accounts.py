"""Service accounts and what starting, stopping and transferring service records."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models.customers import Customer
from district.keys import kept_while_named
from district.transitions import Transitions
from field_ops.models import Premise


@pghistory.track()
class ServiceAccount(Transitions, models.Model):
    """Water service for one customer at one premise, from start to end; what gets billed."""

    class CustomerClass(models.TextChoices):
        RESIDENTIAL = "residential", "Residential single-family"
        MULTI_FAMILY = "multi_family", "Residential multi-family"
        COMMERCIAL = "commercial", "Commercial"
        IRRIGATION = "irrigation", "Irrigation"
        AGRICULTURAL = "agricultural", "Agricultural"
        FIRE_SERVICE = "fire_service", "Private fire service"
        TEMPORARY = "temporary", "Temporary / hydrant"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        PENDING_FINAL = "pending_final", "Pending final"
        FINAL = "final", "Final"
        CLOSED = "closed", "Closed"

    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.ACTIVE, Status.CLOSED},
        Status.ACTIVE: {Status.PENDING_FINAL},
        Status.PENDING_FINAL: {Status.ACTIVE, Status.FINAL},
        Status.FINAL: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    class BillingFrequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        BIMONTHLY = "bimonthly", "Every two months"

    # Digits only, the last one a Luhn check digit; shown as 1234567-8.
    number = models.CharField("account number", max_length=12, unique=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="service_accounts"
    )
    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="service_accounts")
    customer_class = models.CharField(max_length=15, choices=CustomerClass.choices)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    billing_frequency = models.CharField(
        max_length=10, choices=BillingFrequency.choices, default=BillingFrequency.MONTHLY
    )
    # The billing cycle (a group of routes billed together); billing defines its calendar.
    billing_cycle = models.CharField(max_length=10)
    is_owner = models.BooleanField("customer owns the premise", default=False)
    # Landlord-billed service (Health & Safety Code 116916): the customer of record is the
    # owner or manager and tenants live there, so a shut-off notice goes to the tenants too.
    tenants_occupy = models.BooleanField(
        "landlord-billed: tenants live here",
        default=False,
        help_text="The customer of record is the owner or manager; the occupants are tenants.",
    )
    paperless = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        # A number typed in part (LIKE 'prefix%') reads the varchar_pattern_ops index that
        # unique=True gives the column (accounts_serviceaccount_number_..._like).
        indexes = [
            models.Index(fields=["status", "billing_cycle"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["premise"],
                condition=Q(status="active"),
                name="one_active_account_per_premise",
                violation_error_message="This premise already has an active account.",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{6,12}$"), name="account_number_digits"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="account_ends_after_it_starts",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]
        # Journal lines name their account by a key checked by them once a statement (the
        # trigger accounts' migration 0013 puts on the ledger's lines): an account they name is
        # neither deleted nor renumbered. Billing's migration 0007 keeps bills' and exceptions'.
        triggers = kept_while_named("account_kept", ("ledger_journalline", "service_account_id"))

    def __str__(self):
        return self.formatted_number

    @property
    def formatted_number(self) -> str:
        return f"{self.number[:-1]}-{self.number[-1]}"

    # Where the account stands, for pages (templates never compare status strings).
    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_stopping(self) -> bool:
        return self.status == self.Status.PENDING_FINAL

    @property
    def has_ended(self) -> bool:
        return self.status in (self.Status.FINAL, self.Status.CLOSED)

    @property
    def can_stop(self) -> bool:
        """Only active service is stopped (or transferred)."""
        return self.can_move_to(self.Status.PENDING_FINAL)


# -- service start, stop and transfer


class ServiceAccountParties(models.Model):
    """Who else stands behind a tenant's account: the owner or property manager to notify."""

    account = models.OneToOneField(ServiceAccount, on_delete=models.PROTECT, related_name="parties")
    owner_name = models.CharField("owner or property manager", max_length=120)
    owner_phone = models.CharField(max_length=10, blank=True)
    owner_mailing_address = models.TextField(blank=True)
    transferred_from = models.OneToOneField(
        ServiceAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_to",
        help_text="The account this one continues (a transfer of service).",
    )

    def __str__(self):
        return f"{self.account}: {self.owner_name}"


class StopRequest(models.Model):
    """A customer's request to stop service: the date, where to send the final bill, why."""

    class Reason(models.TextChoices):
        MOVING = "moving", "Moving out"
        SOLD = "sold", "Property sold"
        TRANSFER = "transfer", "Transfer to another address"
        VACANT = "vacant", "Property vacant"
        DECEASED = "deceased", "Customer deceased"
        OTHER = "other", "Other"

    account = models.OneToOneField(ServiceAccount, on_delete=models.PROTECT, related_name="stop")
    stop_date = models.DateField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    forwarding_line1 = models.CharField("forwarding address", max_length=120)
    forwarding_line2 = models.CharField("forwarding address line 2", max_length=120, blank=True)
    forwarding_city = models.CharField("city", max_length=60)
    forwarding_state = models.CharField("state", max_length=2, default="CA")
    forwarding_zip = models.CharField("ZIP", max_length=10)
    notes = models.CharField(max_length=255, blank=True)
    # field_ops.WorkOrder (the final read); field_ops sits below accounts, so a real FK is fine.
    final_read_order = models.ForeignKey(
        "field_ops.WorkOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverted_to = models.ForeignKey(
        ServiceAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The owner's account that took the service over (revert to owner).",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Stop {self.account} on {self.stop_date:%m/%d/%Y}"


@pghistory.track()
class RevertToOwnerAgreement(models.Model):
    """An owner's standing agreement: when a tenant stops, service reverts to the owner."""

    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="owner_agreements")
    owner = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="owner_agreements")
    signed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["premise"],
                condition=Q(ended_on__isnull=True),
                name="one_open_owner_agreement_per_premise",
                violation_error_message="This premise already has a revert-to-owner agreement.",
            )
        ]

    def __str__(self):
        return f"Revert {self.premise} to {self.owner}"
