"""Customers: people and businesses the district serves, and the cautions on them."""

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_noop


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    CHINESE = "zh", "Chinese"
    TAGALOG = "tl", "Tagalog"
    VIETNAMESE = "vi", "Vietnamese"
    KOREAN = "ko", "Korean"
    OTHER = "other", gettext_noop("Other")  # translated where customers pick it


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
    def is_business(self) -> bool:
        return self.kind == self.Kind.BUSINESS

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
        # Cautions carried over from an old system (a converted district): a field crew and a
        # shut-off review see them; a medical hold itself still needs its documents.
        MEDICAL = "medical", "Medical needs"
        LIFE_SUPPORT = "life_support", "Life-support equipment"

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
