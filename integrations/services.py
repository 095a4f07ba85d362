"""Writes of integration tokens: create (the secret shown once), revoke, and the note of use."""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from integrations.models import IntegrationToken
from integrations.scopes import ALL_SCOPES, SCOPE_PERMISSIONS, Scope
from payments.counter.selectors import open_session_for
from payments.counter.services import CloseCount, drawer_close, drawer_open
from payments.models import Drawer, DrawerSession

TOKEN_TAG = "wdi"  # "water district integration": lets secret scanners recognise a leaked token
USE_NOTE_INTERVAL = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: IntegrationToken
    secret: str  # shown once, to the administrator who created it; never stored


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _permissions_for(scopes: list[str]) -> list[Permission]:
    wanted = {perm for scope in scopes for perm in SCOPE_PERMISSIONS[scope]}
    condition = Q(pk__in=[])
    for perm in wanted:
        app_label, codename = perm.split(".", 1)
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(condition))


@transaction.atomic
def token_create(*, name: str, scopes: list[str], by) -> IssuedToken:
    """A new token for one system, with its own service user holding what the scopes lend."""
    require(by, Perm.MANAGE_INTEGRATION_TOKENS, doing="create integration tokens")
    name = (name or "").strip()
    scopes = sorted(set(scopes or []))
    if not name:
        raise ServiceError({"name": "Name the system that will use the token."})
    if not scopes:
        raise ServiceError({"scopes": "Choose at least one scope."})
    unknown = [scope for scope in scopes if scope not in ALL_SCOPES]
    if unknown:
        raise ServiceError({"scopes": f"Unknown scope {', '.join(unknown)}."})
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    with acting_user(by):
        user = get_user_model().objects.create(
            username=f"integration-{prefix}", first_name=name[:150], last_name="(integration)"
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.user_permissions.set(_permissions_for(scopes))
        token = IntegrationToken.objects.create(
            name=name[:80],
            prefix=prefix,
            key_hash=token_hash(secret),
            scopes=scopes,
            user=user,
            created_by=by,
        )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: IntegrationToken, by) -> IntegrationToken:
    """Stop a token at once; its service user can no longer act. Revoking twice is refused."""
    require(by, Perm.MANAGE_INTEGRATION_TOKENS, doing="revoke integration tokens")
    token = IntegrationToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise ServiceError(f"{token} was already revoked.")
    with acting_user(by):
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        token.user.is_active = False
        token.user.save(update_fields=["is_active"])
    return token


def token_for_secret(secret: str) -> IntegrationToken | None:
    """The active token this secret is, or None (one query, compared in constant time)."""
    parts = (secret or "").split("_")
    if len(parts) < 3 or parts[0] != TOKEN_TAG:
        return None
    token = (
        IntegrationToken.objects.select_related("user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, token_hash(secret)):
        return None
    return token


def token_used(*, token: IntegrationToken, ip: str | None) -> None:
    """Note the token's use, at most once a minute (one conditional UPDATE, no lock held)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < USE_NOTE_INTERVAL:
        return
    IntegrationToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USE_NOTE_INTERVAL)
    ).update(last_used_at=now, last_used_ip=ip)
    token.last_used_at, token.last_used_ip = now, ip


# -- the drawer of a till or kiosk ---------------------------------------------------------------
# A system that takes cash (a till, a kiosk) posts into a cash drawer opened for its service
# user, which someone must count and settle like a counter drawer. The service user cannot
# sign in, so the administrator opens it with the counted float and a head cashier counts and
# closes it on its behalf; the counter's own services do the work (and keep their rules).


def _drawer_token(token: IntegrationToken, by, *, doing: str) -> IntegrationToken:
    require(by, Perm.MANAGE_INTEGRATION_TOKENS, doing=doing)
    if not token.is_active:
        raise ServiceError(f"{token} is revoked: it posts no payments.", code="revoked")
    if not token.has_scope(Scope.PAYMENTS_WRITE):
        raise ServiceError(
            f"{token} does not post payments (no {Scope.PAYMENTS_WRITE} scope): it has no drawer.",
            code="no_payments_scope",
        )
    return token


def token_drawer_name(token: IntegrationToken) -> str:
    """The drawer's name: the system's and the prefix, which is unique (fits the 50 chars)."""
    return f"{token.name[:37]} ({token.prefix})"


@transaction.atomic
def token_drawer_open(*, token: IntegrationToken, by, opening_count: dict) -> DrawerSession:
    """Open the integration's drawer with the float `by` counted (its own drawer, made once)."""
    _drawer_token(token, by, doing="open an integration's drawer")
    drawer, _ = Drawer.objects.get_or_create(
        name=token_drawer_name(token), defaults={"location": "Integration"}
    )
    return drawer_open(drawer=drawer, cashier=token.user, opening_count=opening_count, by=by)


@transaction.atomic
def token_drawer_close(*, token: IntegrationToken, by, count: CloseCount) -> DrawerSession:
    """Count and close the integration's open drawer on its behalf: the counter's blind close,
    `by` recorded as the closer (and so kept from approving its over/short)."""
    _drawer_token(token, by, doing="count and close an integration's drawer")
    session = open_session_for(token.user)
    if session is None:
        raise ServiceError(f"{token} has no open drawer.", code="no_drawer")
    return drawer_close(session_id=session.pk, by=by, count=count, on_behalf=True)
