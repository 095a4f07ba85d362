"""The physical network: premises (service locations), meters, their installations, and reads."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from district.transitions import Transitions


@pghistory.track()
class Premise(models.Model):
    """A service location: where water is delivered and a meter sits."""

    class PremiseType(models.TextChoices):
        SINGLE_FAMILY = "single_family", "Single-family"
        MULTI_FAMILY = "multi_family", "Multi-family"
        COMMERCIAL = "commercial", "Commercial"
        IRRIGATION = "irrigation", "Irrigation"
        FIRE_SERVICE = "fire_service", "Fire service"

    house_number = models.CharField(max_length=12)
    street = models.CharField(max_length=80, help_text="Street name with suffix, e.g. Main St")
    unit = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, default="CA")
    zip_code = models.CharField(max_length=10)
    cross_street = models.CharField(max_length=80, blank=True)
    # Assessor parcel number as printed, e.g. 123-456-78 (kept with dashes; searched by digits).
    apn = models.CharField("APN", max_length=20, blank=True)
    tract = models.CharField(max_length=20, blank=True)
    lot = models.CharField(max_length=20, blank=True)
    map_book = models.CharField(max_length=10, blank=True)
    map_page = models.CharField(max_length=10, blank=True)
    route = models.CharField(max_length=10, help_text="Billing/read route")
    read_sequence = models.PositiveIntegerField(help_text="Order on the read route")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    premise_type = models.CharField(max_length=20, choices=PremiseType.choices)
    dwelling_units = models.PositiveIntegerField(default=1)
    meter_location_notes = models.CharField(max_length=200, blank=True)
    owner_name = models.CharField("owner of record", max_length=120, blank=True)
    owner_mailing_address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["street", "house_number", "unit"]
        indexes = [
            models.Index(fields=["route", "read_sequence"]),
            models.Index(fields=["tract", "lot"]),
            models.Index(fields=["map_book", "map_page"]),
            models.Index(Upper("street"), "house_number", name="premise_street_idx"),
            # APN typed with or without dashes: the index holds it without them.
            models.Index(Replace("apn", Value("-"), Value("")), name="premise_apn_compact_idx"),
            # Counter search by service address ("123 main"), see accounts.search.
            GinIndex(
                SearchVector("house_number", "street", "unit", "city", config="simple"),
                name="premise_address_search_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dwelling_units__gte=1), name="premise_dwelling_units_positive"
            ),
            models.CheckConstraint(
                condition=~Q(premise_type="multi_family") | Q(dwelling_units__gte=2),
                name="premise_multi_family_has_units",
                violation_error_message="A multi-family premise has at least two dwelling units.",
            ),
        ]

    def __str__(self):
        return self.address_line

    @property
    def address_line(self) -> str:
        unit = f" #{self.unit}" if self.unit else ""
        return f"{self.house_number} {self.street}{unit}"

    @property
    def full_address(self) -> str:
        return f"{self.address_line}, {self.city}, {self.state} {self.zip_code}"


@pghistory.track()
class Meter(Transitions, models.Model):
    class Size(models.TextChoices):
        FIVE_EIGHTHS = "5/8", '5/8"'
        THREE_QUARTERS = "3/4", '3/4"'
        ONE = "1", '1"'
        ONE_AND_HALF = "1-1/2", '1-1/2"'
        TWO = "2", '2"'
        THREE = "3", '3"'
        FOUR = "4", '4"'
        SIX = "6", '6"'
        EIGHT = "8", '8"'
        TEN = "10", '10"'
        TWELVE = "12", '12"'
        FOURTEEN = "14", '14"'
        SIXTEEN = "16", '16"'
        EIGHTEEN = "18", '18"'

    class Unit(models.TextChoices):
        HCF = "hcf", "HCF (hundred cubic feet)"
        CUBIC_FEET = "cf", "Cubic feet"
        GALLONS = "gal", "Gallons"

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        INSTALLED = "installed", "Installed"
        REMOVED = "removed", "Removed"
        IN_TEST = "in_test", "In test"
        RETIRED = "retired", "Retired"

    ALLOWED_TRANSITIONS = {
        Status.IN_STOCK: {Status.INSTALLED, Status.IN_TEST, Status.RETIRED},
        Status.INSTALLED: {Status.REMOVED},
        Status.REMOVED: {Status.IN_TEST, Status.IN_STOCK, Status.RETIRED},
        Status.IN_TEST: {Status.IN_STOCK, Status.RETIRED},
        Status.RETIRED: set(),
    }

    serial = models.CharField(max_length=30, unique=True)
    make = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=50, blank=True)
    size = models.CharField(max_length=6, choices=Size.choices)
    unit = models.CharField(max_length=3, choices=Unit.choices, default=Unit.HCF)
    # Register units x multiplier = billing units (HCF); e.g. a register in 10s of gallons.
    multiplier = models.DecimalField(max_digits=10, decimal_places=4, default=1)
    dials = models.PositiveSmallIntegerField(default=6, help_text="Register digits (rollover)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_STOCK)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["serial"]
        indexes = [
            models.Index(Upper("serial"), name="meter_serial_upper_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dials__gte=3, dials__lte=10), name="meter_dials_range"
            ),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="meter_multiplier_positive"),
        ]

    def __str__(self):
        return f"{self.serial} ({self.get_size_display()})"

    # What the meter pages offer, from ALLOWED_TRANSITIONS (templates never compare statuses).
    @property
    def is_installed(self) -> bool:
        return self.status == self.Status.INSTALLED

    @property
    def can_be_installed(self) -> bool:
        return self.can_move_to(self.Status.INSTALLED)

    @property
    def can_be_returned_to_stock(self) -> bool:
        return self.can_move_to(self.Status.IN_STOCK)

    @property
    def can_be_retired(self) -> bool:
        return self.can_move_to(self.Status.RETIRED)

    @property
    def can_be_tested(self) -> bool:
        """Any meter still in service can be tested (an installed one in place)."""
        return self.status != self.Status.RETIRED


@pghistory.track()
class MeterInstallation(models.Model):
    """Which meter sat at which premise, from when to when, with the readings at each end."""

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="installations")
    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="installations")
    installed_on = models.DateField()
    install_reading = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    removed_on = models.DateField(null=True, blank=True)
    removal_reading = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-installed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meter"],
                condition=Q(removed_on__isnull=True),
                name="meter_installed_once",
                violation_error_message="This meter is already installed somewhere else.",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("installed_on")),
                name="installation_removed_after_installed",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True, removal_reading__isnull=True)
                | Q(removed_on__isnull=False, removal_reading__isnull=False),
                name="installation_removal_has_reading",
            ),
        ]

    def __str__(self):
        return f"{self.meter.serial} at {self.premise} from {self.installed_on:%m/%d/%Y}"


class MeterRead(models.Model):
    """A reading of a meter's register. Never edited: a correction supersedes it, keeping both."""

    class Source(models.TextChoices):
        ROUTE = "route", "Route / handheld"
        AMI = "ami", "AMI import"
        COUNTER = "counter", "Counter"
        CUSTOMER = "customer", "Customer"
        FIELD_ORDER = "field_order", "Field order"
        ESTIMATE = "estimate", "Estimate"

    class Flag(models.TextChoices):
        HIGH = "high", "High"
        LOW = "low", "Low"
        ZERO = "zero", "Zero use"
        ROLLOVER = "rollover", "Register rolled over"
        LEAK = "leak", "Possible leak"
        ESTIMATED = "estimated", "Estimated"
        METER_CHANGE = "meter_change", "Meter change"
        CORRECTED = "corrected", "Correction"

    # No index of its own: meter_read_meter_date_idx (meter, read_on) leads with the meter, and
    # serves the foreign key and every look-up by meter (migration 0004).
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="reads", db_index=False)
    read_on = models.DateField()
    reading = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=12, choices=Source.choices)
    flags = ArrayField(
        models.CharField(max_length=12, choices=Flag.choices), default=list, blank=True
    )
    note = models.CharField(max_length=200, blank=True)
    # Not indexed: no query looks reads up by who entered them (the read pages join the
    # user from the read), and staff are deactivated, never deleted.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    entered_at = models.DateTimeField(default=timezone.now)
    # The read this one corrects; a read is corrected at most once (meter_read_corrected_once,
    # which holds only the few corrections: a OneToOneField's unique index took an entry for
    # every read, a fifth of a large load's COPY of reads). Its reads are `corrections`: a
    # standing read is one with none (`corrections__isnull=True`).
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        db_index=False,
    )

    class Meta:
        ordering = ["meter", "read_on", "id"]
        indexes = [models.Index(fields=["meter", "read_on"], name="meter_read_meter_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(reading__gte=0), name="meter_read_not_negative"),
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=Q(supersedes__isnull=False),
                name="meter_read_corrected_once",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="meter_read_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"{self.meter.serial} {self.read_on:%m/%d/%Y}: {self.reading}"

    @property
    def is_estimate(self) -> bool:
        return self.source == self.Source.ESTIMATE


@pghistory.track()
class WorkOrder(Transitions, models.Model):
    """Work for a field crew at a premise. The type decides what completion must record."""

    class Type(models.TextChoices):
        TURN_ON = "turn_on", "Turn on"
        TURN_OFF = "turn_off", "Turn off"
        START_READ = "start_read", "Start read"
        FINAL_READ = "final_read", "Final read"
        RE_READ = "re_read", "Re-read"
        LEAK_INVESTIGATION = "leak", "Leak investigation"
        HIGH_BILL_INVESTIGATION = "high_bill", "High-bill investigation"
        METER_EXCHANGE = "meter_exchange", "Meter exchange"
        METER_TEST = "meter_test", "Meter test"
        SHUT_OFF = "shut_off", "Shut-off for non-payment"
        RECONNECT = "reconnect", "Reconnect"
        DOOR_HANGER = "door_hanger", "Door-hanger notice"
        HYDRANT_METER_SET = "hydrant_set", "Hydrant meter set"
        HYDRANT_METER_PICKUP = "hydrant_pickup", "Hydrant meter pick-up"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NEW = "new", "New"
        SCHEDULED = "scheduled", "Scheduled"
        DISPATCHED = "dispatched", "Dispatched"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS = {
        Status.NEW: {Status.SCHEDULED, Status.DISPATCHED, Status.CANCELLED},
        Status.SCHEDULED: {Status.NEW, Status.SCHEDULED, Status.DISPATCHED, Status.CANCELLED},
        Status.DISPATCHED: {
            Status.SCHEDULED,
            Status.IN_PROGRESS,
            Status.COMPLETED,
            Status.CANCELLED,
        },
        Status.IN_PROGRESS: {Status.DISPATCHED, Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }
    OPEN_STATUSES = (Status.NEW, Status.SCHEDULED, Status.DISPATCHED, Status.IN_PROGRESS)

    class Priority(models.TextChoices):
        EMERGENCY = "emergency", "Emergency"
        SAME_DAY = "same_day", "Same day"
        ROUTINE = "routine", "Routine"

    class Origin(models.TextChoices):
        COUNTER = "counter", "Counter"
        BILL_AUDIT = "bill_audit", "Bill audit"
        COLLECTIONS = "collections", "Collections"
        HYDRANTS = "hydrants", "Hydrants"
        SUPERVISOR = "supervisor", "Supervisor"
        PORTAL = "portal", "Customer portal"

    order_type = models.CharField("type", max_length=20, choices=Type.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.COUNTER)
    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="work_orders")
    # accounts.ServiceAccount sits above field_ops: a plain column, with the database FK
    # constraint added by an accounts migration (as for the ledger).
    service_account_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    meter = models.ForeignKey(
        Meter, on_delete=models.PROTECT, null=True, blank=True, related_name="work_orders"
    )
    requested_date = models.DateField()
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    instructions = models.TextField(blank=True)
    scheduled_date = models.DateField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_work_orders",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the completion recorded, validated by the type (reading, serials, leak found...).
    completion = models.JSONField(default=dict, blank=True)
    completion_notes = models.TextField(blank=True)
    cancelled_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "scheduled_date", "assigned_to"]),
            models.Index(fields=["assigned_to", "scheduled_date"]),
            models.Index(fields=["order_type", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=models.F("window_start")),
                name="work_order_window_ordered",
                violation_error_message="The time window must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="work_order_completed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="work_order_cancelled_has_reason",
                violation_error_message="Say why the order is cancelled.",
            ),
        ]

    def __str__(self):
        return f"WO-{self.pk:06d} {self.get_order_type_display()}" if self.pk else "New work order"

    # Where the order stands, for the pages (templates never compare statuses).
    @property
    def awaits_dispatch(self) -> bool:
        """On a technician's list for a day, not yet sent to their phone."""
        return self.status == self.Status.SCHEDULED

    @property
    def sent_to_phone(self) -> bool:
        return self.status == self.Status.DISPATCHED

    @property
    def can_be_started(self) -> bool:
        return self.can_move_to(self.Status.IN_PROGRESS)

    @property
    def can_be_paused(self) -> bool:
        """Work started on site can be left for later (back to dispatched)."""
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_emergency(self) -> bool:
        return self.priority == self.Priority.EMERGENCY

    @property
    def is_same_day(self) -> bool:
        return self.priority == self.Priority.SAME_DAY


def _attachment_path(instance, filename):
    return f"work_orders/{instance.work_order_id}/{filename}"


class WorkOrderAttachment(models.Model):
    """A photo or document attached to a work order (type and size checked by the service)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class TechnicianCapacity(models.Model):
    """How many orders a technician can take in a day (the dispatch board warns beyond it)."""

    technician = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_capacity"
    )
    orders_per_day = models.PositiveSmallIntegerField(default=8)
    is_lead = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.technician}: {self.orders_per_day}/day"


class MeterTest(models.Model):
    """A bench or field accuracy test of a meter."""

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="tests")
    tested_on = models.DateField()
    # Registered volume as a percent of the true volume (AWWA: 98.5-101.5% passes for small meters).
    accuracy_percent = models.DecimalField(max_digits=5, decimal_places=2)
    passed = models.BooleanField()
    notes = models.CharField(max_length=255, blank=True)
    tested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="meter_tests"
    )

    class Meta:
        ordering = ["-tested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accuracy_percent__gte=0, accuracy_percent__lte=200),
                name="meter_test_accuracy_range",
            )
        ]

    def __str__(self):
        return f"{self.meter.serial} {self.tested_on:%m/%d/%Y}: {self.accuracy_percent}%"
