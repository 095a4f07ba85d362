"""The one way a service says no.

Services decide; forms, views and the API only parse and display. A service refuses with a
`ServiceError`: a message, or messages keyed by the form field they concern. Views and forms
show it with `district.forms.add_service_error` (next to the fields it names); the API answers
400 with the same field names (`district.api_errors`).

`ServiceError` is a Django `ValidationError`, so code that already catches ValidationError
(forms' clean methods, older views) keeps working while callers move over.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(ValidationError):
    """A service's refusal, in words a customer service representative can act on."""


class NotPermitted(ServiceError, PermissionDenied):
    """The signed-in person's role may not do this.

    Both a ServiceError (a form shows the message where the work was refused) and a
    PermissionDenied (a view that does not catch it answers 403), because the same service runs
    from a form, from a page with no form, and from the API.
    """


def require(user, *permissions: str, doing: str, any_of: bool = False) -> None:
    """Refuse unless `user` holds the permissions (all of them, or one with any_of=True).

    `doing` completes "Your role does not allow you to ...", e.g. doing="void a payment".
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotPermitted(f"Sign in to {doing}.", code="not_signed_in")
    held = [user.has_perm(permission) for permission in permissions]
    if any(held) if any_of else all(held):
        return
    raise NotPermitted(f"Your role does not allow you to {doing}.", code="not_permitted")
