"""The scope an integration view needs (`required_scope`), and the per-token rate limit."""

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from integrations.models import IntegrationToken

DEFAULT_RATE = "600/min"


def token_of(request) -> IntegrationToken | None:
    return request.auth if isinstance(request.auth, IntegrationToken) else None


class HasScope(BasePermission):
    """The request's token carries the view's `required_scope` (none: any token will do; no
    token: DRF answers 401)."""

    message = "This token does not carry the scope this operation needs."

    def has_permission(self, request, view):
        token = token_of(request)
        if token is None:
            return False
        scope = view.required_scope
        if scope and not token.has_scope(scope):
            self.message = f"This token does not carry the scope {scope}."
            return False
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (INTEGRATION_API_RATE, e.g. "600/min"); 429 with Retry-After."""

    scope = "integration"

    def get_rate(self):
        return getattr(settings, "INTEGRATION_API_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.prefix}
