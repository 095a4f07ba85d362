"""A conversion load: which files went in, when, by whom, and the totals it loaded."""

from django.conf import settings
from django.db import models


class ConversionLoad(models.Model):
    """One load of a set of conversion files. The digest of the files is unique: the same
    files are never loaded twice (a second `convert load` is refused before it writes)."""

    # SHA-256 over the files' names and SHA-256s, in name order.
    digest = models.CharField(max_length=64, unique=True)
    files = models.JSONField(help_text="{file name: SHA-256 of its bytes}")
    as_of = models.DateField(help_text="The conversion date: balances are aged from it.")
    source_system = models.CharField(max_length=40, blank=True)
    totals = models.JSONField(help_text="The control totals loaded (rows, money as strings).")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seconds = models.DecimalField(max_digits=9, decimal_places=2, default=0)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self):
        return f"Conversion load {self.pk} as of {self.as_of:%m/%d/%Y}"


class LegacyIdentifier(models.Model):
    """The old system's identifier of a converted record (customer, premise, meter, account)
    and the new record's id, so a project team can trace any row back to its source."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        PREMISE = "premise", "Premise"
        METER = "meter", "Meter"
        ACCOUNT = "account", "Service account"

    load = models.ForeignKey(ConversionLoad, on_delete=models.PROTECT, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    old_id = models.CharField(max_length=40)
    new_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_id"], name="legacy_identifier_once"),
        ]
        indexes = [models.Index(fields=["kind", "new_id"], name="legacy_identifier_new_idx")]

    def __str__(self):
        return f"{self.kind} {self.old_id} -> {self.new_id}"
