"""Read files loaded into field_ops' meter reads."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class ReadImport(models.Model):
    """A handheld or AMI read file loaded all or nothing; its hash makes a re-load a no-op."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    row_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    # field_ops.MeterRead ids created by this file (field_ops sits below billing).
    read_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} ({self.row_count} reads)"
