"""Every API error is an RFC 9457 problem details object, the same shape from every endpoint.

`application/problem+json` with `type` (about:blank: the status says it all), `title` (the
status's phrase), `status`, `detail` (what a person reads), `instance` (the request's path),
and one extension member, `errors`: {field: [messages]} for bad input (400), {"access":
[message]} for a refusal (401, 403), so a program can show each message next to its input.

A view lets a `ServiceError` (or any Django ValidationError) escape and this handler, wired as
REST_FRAMEWORK["EXCEPTION_HANDLER"], answers 400 with the field names the service used (a view
whose non-field messages belong to one input names it in `service_error_field`: the calculator's
"rates"), or 403 for `NotPermitted`. DRF's own exceptions (validation, 401 with its
WWW-Authenticate, 403, 404, 405, 415, 429 with Retry-After) get the same shape.
"""

from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from district.errors import NotPermitted

PROBLEM_CONTENT_TYPE = "application/problem+json"


def service_error_dict(error: ValidationError, non_field_key: str | None = None) -> dict:
    """{field: [messages]} of a ValidationError, its non-field messages under `non_field_key`."""
    key = non_field_key or api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(error, "error_dict"):
        return {key: list(error.messages)}
    return {
        (key if field == NON_FIELD_ERRORS else field): list(messages)
        for field, messages in error.message_dict.items()
    }


def problem(status_code: int, detail: str, *, instance: str = "", errors=None) -> dict:
    """The problem details object of one error."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": str(detail),
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return body


def _first_message(errors: dict) -> str:
    for messages in errors.values():
        if isinstance(messages, list | tuple) and messages:
            first = messages[0]
            return (
                first
                if isinstance(first, str)
                else _first_message(first if isinstance(first, dict) else {"": [str(first)]})
            )
        if isinstance(messages, dict):
            return _first_message(messages)
        if isinstance(messages, str):
            return messages
    return "The request has errors."


def validation_detail(errors: dict) -> str:
    return f"The request was not accepted: {_first_message(errors)}"


def problem_response(request, status_code: int, detail: str, *, errors=None) -> JsonResponse:
    """A problem details response outside DRF (the access guards)."""
    path = request.get_full_path() if request is not None else ""
    return JsonResponse(
        problem(status_code, detail, instance=path, errors=errors),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def validation_problem(request, errors: dict) -> Response:
    """400 for bad input inside a DRF view: {field: [messages]} under `errors`."""
    return Response(
        problem(400, validation_detail(errors), instance=request.get_full_path(), errors=errors),
        status=status.HTTP_400_BAD_REQUEST,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _as_errors(data) -> dict:
    if isinstance(data, dict):
        return data
    return {api_settings.NON_FIELD_ERRORS_KEY: data if isinstance(data, list) else [data]}


def api_exception_handler(exc, context):
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, NotPermitted):
        messages = list(exc.messages)
        return Response(
            problem(403, " ".join(messages), instance=instance, errors={"access": messages}),
            status=status.HTTP_403_FORBIDDEN,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    if isinstance(exc, ValidationError):
        view = context.get("view")
        errors = service_error_dict(exc, getattr(view, "service_error_field", None))
        return Response(
            problem(400, validation_detail(errors), instance=instance, errors=errors),
            status=status.HTTP_400_BAD_REQUEST,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_errors(response.data)
        body = problem(response.status_code, validation_detail(errors), instance=instance)
        body["errors"] = errors
    else:
        data = response.data
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        body = problem(response.status_code, detail, instance=instance)
        if response.status_code in (401, 403):
            body["errors"] = {"access": [str(detail)]}
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
