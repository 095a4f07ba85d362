"""Customers and their service accounts."""

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from district.money import MoneyField
from field_ops.models import Meter, Premise


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    CHINESE = "zh", "Chinese"
    TAGALOG = "tl", "Tagalog"
    VIETNAMESE = "vi", "Vietnamese"
    KOREAN = "ko", "Korean"
    OTHER = "other", "Other"


@pghistory.track()
class Customer(models.Model):
    """A person or business the district serves (and bills)."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        BUSINESS = "business", "Business"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSON)
    first_name = models.CharField(max_length=60, blank=True)
    last_name = models.CharField(max_length=60, blank=True)
    business_name = models.CharField(max_length=120, blank=True)
    # Phones are stored as 10 digits (US); shown formatted as (555) 555-0100.
    phone = models.CharField(max_length=10, blank=True)
    alternate_phone = models.CharField(max_length=10, blank=True)
    email = models.EmailField(blank=True)
    mailing_line1 = models.CharField("mailing address", max_length=120, blank=True)
    mailing_line2 = models.CharField("mailing address line 2", max_length=120, blank=True)
    mailing_city = models.CharField("city", max_length=60, blank=True)
    mailing_state = models.CharField("state", max_length=2, blank=True, default="CA")
    mailing_zip = models.CharField("ZIP", max_length=10, blank=True)
    language = models.CharField(
        "preferred language", max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer",
        help_text="The online sign-in of this customer, once enrolled.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name", "business_name"]
        indexes = [
            models.Index(fields=["phone"], name="customer_phone_idx"),
            models.Index(fields=["alternate_phone"], name="customer_alt_phone_idx"),
            models.Index(Upper("email"), name="customer_email_upper_idx"),
            models.Index(
                fields=["phone"],
                opclasses=["varchar_pattern_ops"],
                name="customer_phone_prefix_idx",
            ),
            # Counter search by name, either order, partial words (see accounts.search).
            GinIndex(
                SearchVector("first_name", "last_name", "business_name", config="simple"),
                name="customer_name_search_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="person") & ~Q(last_name=""))
                | (Q(kind="business") & ~Q(business_name="")),
                name="customer_has_a_name",
                violation_error_message="A person needs a last name; a business needs its name.",
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=r"^[0-9]{10}$"),
                name="customer_phone_ten_digits",
            ),
            models.CheckConstraint(
                condition=Q(alternate_phone="") | Q(alternate_phone__regex=r"^[0-9]{10}$"),
                name="customer_alternate_phone_ten_digits",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.BUSINESS:
            return self.business_name
        return f"{self.last_name}, {self.first_name}".strip(", ")


class CustomerFlag(models.Model):
    """A caution on a customer (cash only, do not call, ...), with who set or cleared it and why."""

    class Flag(models.TextChoices):
        CASH_ONLY = "cash_only", "Cash only"
        DO_NOT_CALL = "do_not_call", "Do not call"
        DECEASED = "deceased", "Deceased"
        BANKRUPTCY = "bankruptcy", "Bankruptcy"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="flags")
    flag = models.CharField(max_length=15, choices=Flag.choices)
    reason = models.CharField(max_length=255)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "flag"],
                condition=Q(cleared_at__isnull=True),
                name="customer_flag_active_once",
                violation_error_message="This customer already has that flag.",
            ),
        ]

    def __str__(self):
        return f"{self.get_flag_display()} ({self.customer})"


@pghistory.track()
class ServiceAccount(models.Model):
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
    paperless = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        indexes = [
            models.Index(fields=["status", "billing_cycle"]),
            models.Index(
                fields=["number"],
                opclasses=["varchar_pattern_ops"],
                name="account_number_prefix_idx",
            ),
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

    def __str__(self):
        return self.formatted_number

    @property
    def formatted_number(self) -> str:
        return f"{self.number[:-1]}-{self.number[-1]}"


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


# -- deposits


@pghistory.track()
class DepositGuideline(models.Model):
    """One version of the district's written deposit guidelines (a new version, never an edit,
    once a deposit has been set under it)."""

    effective_from = models.DateField(unique=True)
    minimum = MoneyField(help_text="No deposit is smaller than this (unless none is due).")
    # A deposit of N times the premise's average monthly bill over the last 12 months, when
    # that history exists; otherwise the class and meter size table applies.
    average_bill_multiple = models.DecimalField(max_digits=4, decimal_places=2, default=2)
    good_history_months = models.PositiveSmallIntegerField(default=12)
    max_late_payments = models.PositiveSmallIntegerField(default=1)
    max_installments = models.PositiveSmallIntegerField(default=3)
    refund_after_months = models.PositiveSmallIntegerField(default=12)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_installments__gte=1, max_installments__lte=3),
                name="deposit_guideline_installments_range",
            ),
        ]

    def __str__(self):
        return f"Deposit guidelines from {self.effective_from}"


class DepositGuidelineAmount(models.Model):
    guideline = models.ForeignKey(
        DepositGuideline, on_delete=models.CASCADE, related_name="amounts"
    )
    customer_class = models.CharField(max_length=15, choices=ServiceAccount.CustomerClass.choices)
    meter_size = models.CharField(max_length=6, choices=Meter.Size.choices)
    amount = MoneyField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "customer_class", "meter_size"],
                name="deposit_amount_once_per_class_and_size",
            )
        ]

    def __str__(self):
        return f"{self.customer_class} {self.meter_size}: {self.amount}"


@pghistory.track()
class Deposit(models.Model):
    """A deposit asked of an account: charged, held in the liability account, then applied or
    refunded. The money itself lives in the ledger; this records the decision and its state."""

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "Waiver awaiting approval"
        CHARGED = "charged", "Charged"
        WAIVED = "waived", "Waived"
        APPLIED = "applied", "Applied to the final bill"
        CREDITED = "credited", "Credited to the account"
        REFUNDED = "refunded", "Refunded"

    ALLOWED_TRANSITIONS = {
        Status.PENDING_APPROVAL: {Status.WAIVED, Status.CHARGED},
        Status.CHARGED: {Status.APPLIED, Status.CREDITED, Status.REFUNDED},
        Status.WAIVED: set(),
        Status.APPLIED: set(),
        Status.CREDITED: set(),
        Status.REFUNDED: set(),
    }

    class Basis(models.TextChoices):
        CLASS_AND_SIZE = "class_size", "Customer class and meter size"
        AVERAGE_BILL = "average_bill", "Multiple of the premise's average bill"
        MINIMUM = "minimum", "Minimum deposit"
        OWNER = "owner", "None: owner of the premise"
        GOOD_HISTORY = "good_history", "None: good payment history"
        LETTER_OF_CREDIT = "letter", "None: letter of good credit"
        TRANSFERRED = "transferred", "Carried over from the previous account"

    account = models.ForeignKey(ServiceAccount, on_delete=models.PROTECT, related_name="deposits")
    guideline = models.ForeignKey(DepositGuideline, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=15, choices=Basis.choices)
    amount = MoneyField(help_text="The deposit asked (0 when none is due).")
    explanation = models.CharField(max_length=255, help_text="How the amount was found.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHARGED)
    installments = models.PositiveSmallIntegerField(default=1)
    waiver_reason = models.CharField(max_length=255, blank=True)
    charged_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The ledger journals that charged and settled it (district.ledger.Journal ids).
    charge_journal_id = models.BigIntegerField(null=True, blank=True)
    settle_journal_id = models.BigIntegerField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_to"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deposit_not_negative"),
            models.CheckConstraint(
                condition=Q(installments__gte=1, installments__lte=3),
                name="deposit_installments_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(waiver_reason=""),
                name="deposit_waiver_has_reason",
                violation_error_message="Say why the deposit is waived.",
            ),
        ]

    def __str__(self):
        return f"Deposit {self.amount} on {self.account}"


@pghistory.track()
class DepositInstallment(models.Model):
    """One installment of a deposit paid in installments (Deposit.installments of 2 or 3).

    The first posts when the deposit is charged; each later one is billed on the account's
    next bill (a "Deposit, installment 2 of 3" line) and posted once, by its own journal:
    debit ar_customers / credit customer_deposits, key "deposit-installment:<deposit>:<number>".
    journal_id set = posted. A deposit settled (applied, refunded) before its installments are
    all billed cancels the rest; a deposit carried to a new account takes its open ones along.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Not billed yet"
        POSTED = "posted", "Billed"
        CANCELLED = "cancelled", "Cancelled (deposit settled)"

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="installment_set")
    # The deposit's account, here too, so a bill run finds a chunk's open installments at once.
    account = models.ForeignKey(
        ServiceAccount, on_delete=models.PROTECT, related_name="deposit_installments"
    )
    number = models.PositiveSmallIntegerField()
    amount = MoneyField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # district.ledger Journal that posted it, and billing.Bill that carried it (None for the
    # first installment, posted when the deposit was charged): ids, as billing sits above.
    journal_id = models.BigIntegerField(null=True, blank=True)
    bill_id = models.BigIntegerField(null=True, blank=True)
    posted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["deposit", "number"]
        indexes = [
            models.Index(
                fields=["account", "deposit", "number"],
                condition=Q(status="open"),
                name="deposit_installment_open_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "number"], name="deposit_installment_once_per_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=3), name="deposit_installment_number_range"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_installment_positive"),
            models.CheckConstraint(
                condition=~Q(status="posted") | Q(journal_id__isnull=False),
                name="deposit_installment_posted_has_journal",
            ),
        ]

    def __str__(self):
        return f"Deposit {self.deposit_id} installment {self.number}: {self.amount}"


class LetterOfCredit(models.Model):
    """A letter of good credit from another utility, recorded by a CSR II or above."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_letters")
    utility_name = models.CharField(max_length=120)
    letter_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.utility_name} letter for {self.customer}"


# -- contact log, cases and reception


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
class Case(models.Model):
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
