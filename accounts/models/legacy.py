"""Identifiers from the system a district converted from, kept so people can still find things."""

from django.db import models


class LegacyAccountNumber(models.Model):
    """A converted account's number in the old system: the counter search finds it.

    Stored as typed in the old system but upper-cased and without spaces (the search compares
    the typed text the same way). The account keeps a new number with a check digit (see
    docs/conversion.md for why), so this is an alternate identifier, never the number billed.
    """

    account = models.OneToOneField(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="legacy_number"
    )
    number = models.CharField("former account number", max_length=30, unique=True)
    # The old system's name ("CIS/400"), shown beside the number on the account page.
    system = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = "former account number"

    def __str__(self):
        return self.number
