"""Request logging with a request id, and the audit context pghistory attaches to every change."""

import contextvars
import logging
import re
import time
import uuid

import pghistory.middleware

from district.client_ip import client_ip

# A caller's own request id is kept only when it is a plain token: anything else (newlines,
# markup, a megabyte) would travel into every log line and response header.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")

# URL arguments that are credentials (a password-reset token, an e-mail confirmation key):
# the request line logs "***" in their place (ASVS 7.1.1), as a reset link works for an hour.
SECRET_URL_ARGUMENTS = frozenset({"token", "key"})
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("district.request")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record, so an error can be traced to its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def loggable_path(request) -> str:
    """The request's path and query, with credential URL arguments masked."""
    path = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        if name in SECRET_URL_ARGUMENTS and isinstance(value, str) and value:
            path = path.replace(value, "***")
    return path


class RequestLogMiddleware:
    """One line per request: method, path, status, user and duration; sets X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        accepted = REQUEST_ID_PATTERN.fullmatch(incoming)
        request.id = incoming if accepted else uuid.uuid4().hex[:16]
        token = request_id_var.set(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = (time.perf_counter() - started) * 1000
            user = getattr(request, "user", None)
            username = user.get_username() if user is not None and user.is_authenticated else "-"
            if request.path != "/healthz":
                logger.info(
                    "%s %s %s user=%s %.1fms",
                    request.method,
                    loggable_path(request),
                    response.status_code,
                    username,
                    duration_ms,
                )
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class AuditContextMiddleware(pghistory.middleware.HistoryMiddleware):
    """Attaches the signed-in user, the URL and the caller's IP to every audited change."""

    def get_context(self, request):
        context = super().get_context(request)
        context["ip"] = client_ip(request)
        return context
