"""The API's answer to a service's refusal, the same shape wherever it is raised.

A view lets a `ServiceError` (or any Django ValidationError) escape and this handler, wired as
REST_FRAMEWORK["EXCEPTION_HANDLER"], answers:

- 400 `{"errors": {field: [messages], "non_field_errors": [messages]}}`: the field names the
  service used, as a form shows them next to its fields;
- 403 `{"errors": {"access": [message]}}` for `NotPermitted`, as `staff_api_view` refuses.

A view whose non-field messages belong to one input names it in `service_error_field`
(the calculator: "rates"). Everything else is DRF's own handling.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from district.errors import NotPermitted


def service_error_dict(error: ValidationError, non_field_key: str | None = None) -> dict:
    """{field: [messages]} of a ValidationError, its non-field messages under `non_field_key`."""
    key = non_field_key or api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(error, "error_dict"):
        return {key: list(error.messages)}
    return {
        (key if field == NON_FIELD_ERRORS else field): list(messages)
        for field, messages in error.message_dict.items()
    }


def api_exception_handler(exc, context):
    if isinstance(exc, NotPermitted):
        return Response(
            {"errors": {"access": list(exc.messages)}}, status=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, ValidationError):
        view = context.get("view")
        field = getattr(view, "service_error_field", None)
        return Response(
            {"errors": service_error_dict(exc, field)}, status=status.HTTP_400_BAD_REQUEST
        )
    return exception_handler(exc, context)
