"""`Authorization: Bearer <token>` for the integration API, and its OpenAPI security scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from district.client_ip import client_ip
from integrations.services import token_for_secret, token_used

REALM = "integrations"


class BearerTokenAuthentication(BaseAuthentication):
    """The request's integration token: (its service user, the token), or None when the
    request sends no bearer token (DRF then answers 401 with WWW-Authenticate)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Send the header as: Authorization: Bearer <token>.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed("The token is not one the district issued.") from error
        token = token_for_secret(secret)
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("The token is unknown or revoked.")
        token_used(token=token, ip=client_ip(request._request) or None)
        return token.user, token

    def authenticate_header(self, request):
        # RFC 6750 section 3.1: a token that was sent and refused is an "invalid_token"; a
        # request without one gets the bare challenge.
        header = get_authorization_header(request).split()
        if header and header[0].lower() == b"bearer":
            return f'Bearer realm="{REALM}", error="invalid_token"'
        return f'Bearer realm="{REALM}"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "IntegrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An integration token created by a district administrator "
                "(wdi_<prefix>_<secret>), carrying the scopes each operation names."
            ),
        }
