"""Integration tokens: one per other system (IVR, processor, AMI head-end, GIS, mobile app).

A token is `wdi_<prefix>_<secret>`: the prefix is stored in clear to find the row, the whole
token only as its SHA-256 (the secret is 32 random bytes, so a fast hash is enough: nothing to
guess). Each token acts through its own service user, which holds the staff permissions its
scopes lend (integrations.scopes), so every service checks and attributes the work as it does
for a person.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from integrations.scopes import ALL_SCOPES, Scope


# History of who created and revoked what; use (written once a minute) is not history.
@pghistory.track(exclude=["key_hash", "last_used_at", "last_used_ip"])
class IntegrationToken(models.Model):
    name = models.CharField(max_length=80, help_text="Which system uses it, e.g. Phone IVR")
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField("SHA-256 of the token", max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=30, choices=Scope.choices))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration_token"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Written at most once a minute (integrations.services.token_used).
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        permissions = [("manage_integration_tokens", "Create and revoke integration tokens")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scopes__contained_by=list(ALL_SCOPES)) & ~Q(scopes=[]),
                name="integration_token_known_scopes",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="integration_token_revoked_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
