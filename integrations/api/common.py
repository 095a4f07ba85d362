"""What every /api/v1/ view shares: bearer-token authentication, a scope, a per-token rate
limit, cursor pagination, django-filter filters, and ETags on GET (If-None-Match -> 304)."""

import hashlib

from django.utils.http import parse_etags
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from integrations.authentication import BearerTokenAuthentication
from integrations.permissions import HasScope, TokenRateThrottle, token_of


class IntegrationCursorPagination(CursorPagination):
    """Stable pages under inserts: ?cursor= from the previous page's `next`."""

    page_size = 50
    ordering = "-id"


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every API error answers (district.api_errors)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = serializers.DictField(required=False)


def _etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


class IntegrationView(generics.GenericAPIView):
    """Base of the integration API's views. `required_scope` names the token scope needed."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    pagination_class = IntegrationCursorPagination
    filter_backends = [DjangoFilterBackend]
    parser_classes = [JSONParser]  # the read import takes multipart (its own parser_classes)
    required_scope: str = ""

    @property
    def token(self):
        return token_of(self.request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and response.status_code == status.HTTP_200_OK:
            if isinstance(response, Response):
                response.render()
            content = getattr(response, "content", None)
            if content is not None:
                etag = _etag_of(content)
                response["ETag"] = etag
                wanted = parse_etags(request.headers.get("If-None-Match", ""))
                if etag in wanted or "*" in wanted:
                    not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
                    not_modified["ETag"] = etag
                    return super().finalize_response(request, not_modified, *args, **kwargs)
        return response


class NotFoundView(IntegrationView):
    """Any other path under /api/v1/ (an id that is not a number): 404 as problem details,
    after the token is checked like any operation's."""

    required_scope = ""  # any valid token

    def _not_found(self, request, *args, **kwargs):
        raise NotFound("No such resource in the API.")

    get = post = put = patch = delete = _not_found
