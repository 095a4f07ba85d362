"""Request logging with a request id, and the audit context pghistory attaches to every change."""

import contextvars
import logging
import time
import uuid

import pghistory.middleware

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("district.request")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record, so an error can be traced to its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def client_ip(request) -> str:
    """The caller's address: the first X-Forwarded-For hop behind the proxy, else REMOTE_ADDR."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class RequestLogMiddleware:
    """One line per request: method, path, status, user and duration; sets X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming[:64] if incoming else uuid.uuid4().hex[:16]
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
                    request.get_full_path(),
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
