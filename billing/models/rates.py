"""Rate schedules and their effective-dated versions (the YAML a bill is priced by)."""

import pgtrigger
from django.conf import settings
from django.db import models

from district.keys import kept_while_named


class RateSchedule(models.Model):
    """A named tariff (e.g. "Water service, inside the district"), priced by its versions."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class RateScheduleVersion(models.Model):
    """One effective-dated version of a schedule, loaded from a YAML file (docs/rates.md).

    The source text and its parsed form are kept together. A version that priced a posted bill
    is locked: it is never edited again (a trigger refuses it); a change is a new version.
    """

    schedule = models.ForeignKey(RateSchedule, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    source = models.TextField(help_text="The YAML as loaded.")
    # The validated schedule as the engine reads it (money and rates as strings).
    parsed = models.JSONField()
    sha256 = models.CharField(max_length=64)
    notes = models.CharField(max_length=255, blank=True)
    locked = models.BooleanField(default=False, help_text="Priced a posted bill: never edited.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["schedule", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "version"], name="rate_version_number_once"
            ),
            models.UniqueConstraint(
                fields=["schedule", "effective_from"], name="rate_version_one_per_effective_date"
            ),
        ]
        triggers = [
            # Once locked, only nothing changes: no edit of the content, no unlocking, no delete.
            pgtrigger.Protect(
                name="rate_version_locked_is_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__locked=True),
            ),
            # Bills name their version by a key checked by them (district.keys).
            *kept_while_named("rate_version_kept", ("billing_bill", "rate_version_id")),
        ]

    def __str__(self):
        return f"{self.schedule.code} v{self.version} from {self.effective_from}"
