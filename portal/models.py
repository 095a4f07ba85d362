"""Which service accounts a customer's login holds.

One sign-in may hold several accounts (a landlord, a business): each link is made by enrolment
(the account number and a second fact from the bill) or by a CSR at the counter, and a CSR can
remove it. Every customer-scoped page reaches an account only through these links
(portal.selectors.access_account).
"""

import pghistory
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import models


# A link made or removed (enrolment, a CSR's unlink) stays in the history with who did it.
@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class AccountLink(models.Model):
    class Method(models.TextChoices):
        ENROLMENT = "enrolment", "Enrolled online"
        STAFF = "staff", "Linked by staff"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_links"
    )
    service_account = models.ForeignKey(
        "accounts.ServiceAccount", on_delete=models.PROTECT, related_name="portal_links"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "service_account"], name="portal_link_once_per_login"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} -> {self.service_account}"


# allauth's second factors are not the district's model (a trigger on their table would need a
# migration in allauth's app), so a CSR's removal of a customer's factor is recorded here by
# hand, with who did it: only the login and the kind of factor, never the secret.
MFA_REMOVED_BY_STAFF = "mfa.removed_by_staff"
AuthenticatorEvent = pghistory.create_event_model(
    Authenticator,
    pghistory.ManualEvent(MFA_REMOVED_BY_STAFF),
    fields=["user", "type"],
    model_name="AuthenticatorEvent",
    app_label="portal",
    abstract=False,
)
