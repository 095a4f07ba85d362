"""Staff sign in with a second factor: TOTP for every staff role, security keys offered too.

Enforcement (STAFF_MFA_REQUIRED, on unless the demo turns it off): a signed-in staff member
whose session has not passed an MFA step is
  - sent to set up an authenticator app when they have none (their first sign-in), or
  - signed out and sent to the sign-in page when they have one (a session that skipped the
    code, e.g. one opened before the authenticator was added elsewhere, or by another door).
allauth writes each step of a sign-in into the session (`account_authentication_methods`);
a session with an "mfa" step needs no database query here, so pages keep their query counts.
Only allauth's own pages (/auth/: the MFA set-up, sign-out) and static files stay open.

WebAuthn security keys are offered to supervisors and administrators (mfa_index lists them),
not required: the TOTP app stays the one factor every staff member must hold.
"""

import logging

import pghistory
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from district.attribution import acting_user
from district.models import MFA_RESET_BY_ADMINISTRATOR
from district.roles import SUPERVISOR, is_staff_user, role_of
from district.sessions import sessions_end_for_user
from district.user_sessions import session_key_changed

logger = logging.getLogger("district.security")

# Paths a staff member without MFA may still open: allauth's pages (MFA set-up, the TOTP code,
# re-authentication, sign-out), our sign-out, static files and the health check.
_OPEN_PREFIXES = ("/auth/", "/accounts/logout/", "/static/", "/healthz")


def passed_mfa(request) -> bool:
    """The session's sign-in included an MFA step (a TOTP code, a recovery code, a key)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def offers_security_keys(user) -> bool:
    """Supervisors and administrators are offered WebAuthn security keys besides TOTP."""
    return user.is_superuser or role_of(user) == SUPERVISOR


class StaffMfaMiddleware:
    """Staff pages only for staff sessions that passed MFA (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request):
        if not settings.STAFF_MFA_REQUIRED or not request.user.is_authenticated:
            return None
        if request.path_info.startswith(_OPEN_PREFIXES) or passed_mfa(request):
            return None
        if not is_staff_user(request.user):
            return None
        if not Authenticator.objects.filter(
            user=request.user,
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
        ).exists():
            setup = reverse("mfa_activate_totp")
            return redirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
        logout(request)
        return redirect_to_login(request.get_full_path())


def record_mfa_on_setup(sender, request, user, authenticator=None, **kwargs) -> None:
    """allauth's authenticator_added receiver: setting up an authenticator proves it (the code
    or the key was just checked), so the session counts as having passed MFA. That opens the
    staff pages to a session that could only set up MFA before: a privilege change, so the
    session gets a new key (ASVS 3.2.1), as at sign-in."""
    if request is None or authenticator is None:
        return
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    record_authentication(request, user, method="mfa", type=authenticator.type, id=authenticator.pk)
    old_key = request.session.session_key
    request.session.cycle_key()
    session_key_changed(old_key, request)


@transaction.atomic
def mfa_reset(*, user, by) -> int:
    """An administrator removes a user's authenticators (a lost phone or key); the user sets up
    a new one at their next sign-in. Their open sessions end. Returns how many were removed."""
    if by is None or not by.is_superuser:
        raise PermissionDenied("Only an administrator may reset a user's two-step sign-in.")
    if user.pk == by.pk:
        raise PermissionDenied("Ask another administrator to reset your own two-step sign-in.")
    authenticators = list(Authenticator.objects.filter(user=user).order_by("pk"))
    with acting_user(by):
        # The audit trail: one event per factor removed, with the administrator attached.
        for authenticator in authenticators:
            pghistory.create_event(authenticator, label=MFA_RESET_BY_ADMINISTRATOR)
        Authenticator.objects.filter(pk__in=[each.pk for each in authenticators]).delete()
    removed = len(authenticators)
    # Sessions that passed MFA with the old authenticator end too.
    sessions_end_for_user(user)
    logger.warning(
        "MFA reset for user %s (#%s) by %s (#%s): %s authenticator(s) removed",
        user.get_username(),
        user.pk,
        by.get_username(),
        by.pk,
        removed,
    )
    return removed


def sign_in_fully_for_tests(request, user) -> None:
    """Write what a complete sign-in (password, then an MFA code, just now) leaves in the
    session. Used by tests/conftest.py so client.force_login counts as a full sign-in."""
    record_authentication(request, user, method="password", username=user.get_username())
    record_authentication(request, user, method="mfa", type=Authenticator.Type.TOTP)
