"""Password resets by e-mail: asking for a link (throttled), forcing one, and finishing one.

The link is Django's password-reset token: it expires after PASSWORD_RESET_TIMEOUT and works
once, because it is a hash over the user's password (and last sign-in), which the reset changes.
The answer to "send me a link" never says whether the address belongs to anyone: the same page
follows every request. The e-mail is built and sent by a task after the request commits; with a
worker (REDIS_URL set) the request does not wait for the mail server, so its timing does not tell
an address that exists from one that does not either.
"""

import hashlib
import logging

from allauth.account.models import EmailAddress
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from district.errors import NotPermitted
from district.tasks import password_reset_mail_send

logger = logging.getLogger("district.security")


# -- throttle ------------------------------------------------------------------------------------


def _window_seconds() -> int:
    return int(settings.PASSWORD_RESET_LIMIT_WINDOW.total_seconds())


def _count(key: str) -> int:
    """Add one to a counter that lives for the throttle window from its first request."""
    cache.add(key, 0, timeout=_window_seconds())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_window_seconds())
        return 1


def _digest(value: str) -> str:
    # Keys name a hash, not the address: the cache holds no personal data and no odd characters.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def reset_request_allowed(*, email: str, client_address: str) -> bool:
    """Count one request for the address and the client; False once either is over its limit.

    Both counters move on every request (an address nobody uses included), so a caller
    cannot tell from the throttle which addresses exist. If the cache is down, no e-mail."""
    try:
        per_email = _count(f"password-reset:email:{_digest(email.strip().lower())}")
        per_client = _count(f"password-reset:ip:{_digest(client_address or '-')}")
    except Exception:
        logger.exception("password reset throttle unavailable: no e-mail sent")
        return False
    return (
        per_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and per_client <= settings.PASSWORD_RESET_LIMIT_PER_IP
    )


def _mail_after_commit(user, base_url: str, *, forced: bool = False) -> None:
    # In the language the person asking reads the portal in (staff actions: English).
    language = translation.get_language()
    transaction.on_commit(
        lambda: password_reset_mail_send.delay(
            user_id=user.pk, base_url=base_url, forced=forced, language=language
        )
    )


# -- the business actions ------------------------------------------------------------------------


def users_with_email(email: str):
    """Active users whose e-mail address is this one (any case); staff and customers alike.

    Unlike Django's form, a user without a usable password is included: that is a user whose
    reset an administrator forced, and the e-mail is how they get back in."""
    email = email.strip()
    if not email:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(email__iexact=email, is_active=True).order_by("pk")


def password_reset_request(*, email: str, client_address: str, base_url: str) -> None:
    """Someone asked for a reset link for this address: e-mail each user it belongs to,
    unless the address or the client is over its limit. Says nothing either way."""
    if not reset_request_allowed(email=email, client_address=client_address):
        logger.warning("password reset throttled for client %s", client_address or "-")
        return
    for user in users_with_email(email):
        _mail_after_commit(user, base_url)


@transaction.atomic
def password_reset_force(*, user, by, base_url: str) -> None:
    """An administrator ends a user's password now and e-mails them a reset link.

    The unusable password stops the old one at once and, because the session's auth hash is
    derived from the password, every session the user has open ends on its next request."""
    if by is not None and user.is_superuser and not by.is_superuser:
        raise NotPermitted("Only a superuser may force a superuser's password reset.")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    logger.warning(
        "password reset forced for user %s (#%s) by %s",
        user.get_username(),
        user.pk,
        by.get_username() if by is not None else "a management command",
    )
    _mail_after_commit(user, base_url, forced=True)


def _email_verified(user) -> None:
    """The link reached the user at their address, so it is verified (allauth's sign-in asks a
    customer for a verified address) unless another login holds it verified already."""
    if not user.email:
        return
    held = EmailAddress.objects.filter(email__iexact=user.email, verified=True)
    if held.exclude(user=user).exists():
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@transaction.atomic
def password_reset_completed(user) -> None:
    """A user set a new password through a reset link: a sign-in lockout they ran into while
    they could not remember it no longer holds them out, and the address it reached is theirs."""
    axes_reset(username=user.get_username())
    _email_verified(user)
    logger.info("password reset completed for user %s (#%s)", user.get_username(), user.pk)
