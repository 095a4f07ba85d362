"""District-wide records: the user, the capability permissions roles are made of, policies."""

import pghistory
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from district.roles import PERMISSION_DESCRIPTIONS


class User(AbstractUser):
    """A staff member or an online customer; the role is the group they belong to."""

    class Meta:
        db_table = "district_user"


class Capability(models.Model):
    """Holds the staff permissions (district.<codename>); it has no rows and no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = PERMISSION_DESCRIPTIONS

    def __str__(self):
        return "District capability"


@pghistory.track()
class Policy(models.Model):
    """A district rule with a value supervisors edit: a limit, a fee, a threshold, a period."""

    class ValueType(models.TextChoices):
        MONEY = "money", "Amount ($)"
        PERCENT = "percent", "Percent"
        INTEGER = "integer", "Whole number"
        DAYS = "days", "Days"
        TEXT = "text", "Text"
        BOOLEAN = "boolean", "Yes/no"

    key = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=150)
    category = models.CharField(max_length=50, default="general")
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    value = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["category", "label"]
        verbose_name_plural = "policies"

    def __str__(self):
        return self.label


@pghistory.track()
class OfficeClosure(models.Model):
    """A day the business office is closed besides weekends and legal holidays (or, with
    office_open, a holiday it opens anyway); see district/business_days.py."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=120)
    office_open = models.BooleanField(
        "office open",
        default=False,
        help_text="The office opens this day although a rule closes it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        state = "open" if self.office_open else "closed"
        return f"{self.date:%Y-%m-%d}: office {state} ({self.reason})"


from district.models_review import ReviewItem  # noqa: E402, F401  (the supervisor's review)

# An administrator's reset of a user's second factors (district.staff_mfa.mfa_reset), one event
# per authenticator removed, with who did it (pghistory's context). allauth's table is not ours,
# so the event is written by hand (no trigger): only the login and the kind, never the secret.
MFA_RESET_BY_ADMINISTRATOR = "mfa.reset_by_administrator"
StaffAuthenticatorEvent = pghistory.create_event_model(
    Authenticator,
    pghistory.ManualEvent(MFA_RESET_BY_ADMINISTRATOR),
    fields=["user", "type"],
    app_label="district",
    model_name="StaffAuthenticatorEvent",
    obj_field=pghistory.ObjForeignKey(db_constraint=False, related_name="district_events"),
    abstract=False,
)
