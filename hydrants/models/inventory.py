"""The rental fleet: hydrant meters in the yard, and the hydrants they may be set on."""

import pghistory
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from district.money import MoneyField
from district.transitions import Transitions
from field_ops.models import Meter, Premise


@pghistory.track()
class HydrantMeter(Transitions, models.Model):
    """A portable meter (with its backflow assembly) lent to contractors on a permit."""

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        ISSUED = "issued", "Issued"
        IN_TEST_REPAIR = "in_test_repair", "In test or repair"
        LOST = "lost", "Lost"
        RETIRED = "retired", "Retired"

    # Issued meters come back to stock or to the shop (returns), or are reported lost; a lost
    # meter found again goes to the shop before it is lent again.
    ALLOWED_TRANSITIONS = {
        Status.IN_STOCK: {Status.ISSUED, Status.IN_TEST_REPAIR, Status.LOST, Status.RETIRED},
        Status.ISSUED: {Status.IN_STOCK, Status.IN_TEST_REPAIR, Status.LOST},
        Status.IN_TEST_REPAIR: {Status.IN_STOCK, Status.RETIRED},
        Status.LOST: {Status.IN_TEST_REPAIR, Status.RETIRED},
        Status.RETIRED: set(),
    }

    class Condition(models.TextChoices):
        GOOD = "good", "Good"
        FAIR = "fair", "Fair (worn, works)"
        DAMAGED = "damaged", "Damaged"

    serial = models.CharField(max_length=30, unique=True)
    size = models.CharField(max_length=6, choices=Meter.Size.choices)
    # What the register counts; a read times the unit gives the water used (hydrants.usage).
    unit = models.CharField(max_length=3, choices=Meter.Unit.choices, default=Meter.Unit.HCF)
    backflow_serial = models.CharField("backflow assembly serial", max_length=30, blank=True)
    backflow_tested_on = models.DateField("backflow assembly last tested", null=True, blank=True)
    condition = models.CharField(max_length=10, choices=Condition.choices, default=Condition.GOOD)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.IN_STOCK)
    # Where it sits while in the yard; an issued meter's place is its open MeterIssue's permit.
    yard_bin = models.CharField("yard bin", max_length=30, blank=True)
    # Accuracy test date: a meter is lent only when tested within "hydrant-meter-test-days".
    last_tested_on = models.DateField(null=True, blank=True)
    replacement_cost = MoneyField(help_text="Charged when the meter is lost or beyond repair.")
    notes = models.TextField(blank=True)
    # Why it last moved (kept with each move in the row history).
    status_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["serial"]
        indexes = [
            models.Index(Upper("serial"), name="hydrant_meter_serial_upper_idx"),
            models.Index(fields=["status", "size"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(replacement_cost__gte=0), name="hydrant_meter_cost_not_negative"
            ),
        ]

    def __str__(self):
        return f"Hydrant meter {self.serial} ({self.get_size_display()})"

    # What the pages offer (templates never compare statuses).
    @property
    def is_in_stock(self) -> bool:
        return self.status == self.Status.IN_STOCK

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def can_go_to_test(self) -> bool:
        return self.status != self.Status.ISSUED and self.can_move_to(self.Status.IN_TEST_REPAIR)

    @property
    def can_return_to_stock(self) -> bool:
        """From the shop, with a test date (an issued meter comes back through a return)."""
        return self.status == self.Status.IN_TEST_REPAIR

    @property
    def can_be_reported_lost(self) -> bool:
        return self.can_move_to(self.Status.LOST)

    @property
    def can_be_retired(self) -> bool:
        return self.can_move_to(self.Status.RETIRED)

    def tested_within(self, days: int, *, on) -> bool:
        """Tested no more than `days` days before `on`."""
        return self.last_tested_on is not None and (on - self.last_tested_on).days <= days

    def can_be_issued(self, *, test_days: int, on) -> bool:
        """In stock and tested within the policy's days ("hydrant-meter-test-days")."""
        return self.is_in_stock and self.tested_within(test_days, on=on)


@pghistory.track()
class Hydrant(models.Model):
    """A fire hydrant a contractor may draw construction water from, with its restrictions."""

    number = models.CharField("hydrant number", max_length=20, unique=True)
    location = models.CharField(max_length=200, help_text="Street address or nearest corner.")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    pressure_zone = models.CharField(max_length=30, blank=True)
    restrictions = models.TextField(blank=True, help_text="Hours, flow limits, access notes.")
    # "No use in drought stage 2" = 2: refused while the district's stage is 2 or higher.
    restricted_from_drought_stage = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="No permits while the drought stage is this or higher (empty: no limit).",
    )
    fire_department_required = models.BooleanField(
        "fire department sign-off required",
        default=False,
        help_text="Every permit on this hydrant needs the fire department's approval.",
    )
    active = models.BooleanField(default=True)
    # Work orders need a premise: a commercial premise at the hydrant, made on first need.
    premise = models.OneToOneField(
        Premise, on_delete=models.PROTECT, null=True, blank=True, related_name="hydrant"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(restricted_from_drought_stage__isnull=True)
                | Q(restricted_from_drought_stage__gte=1),
                name="hydrant_drought_stage_positive",
                violation_error_message="Drought stages start at 1 (leave empty for no limit).",
            ),
        ]

    def __str__(self):
        return f"Hydrant {self.number}"

    def restricted_at(self, drought_stage: int) -> bool:
        """No use at this drought stage."""
        limit = self.restricted_from_drought_stage
        return limit is not None and drought_stage >= limit
