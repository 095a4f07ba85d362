"""A CSR's view and repair of an account's online sign-ins (the account page's panel).

What the panel shows: each login linked to the account, whether its e-mail is verified, whether
it has a second factor, when it last signed in, and whether the sign-in lockout holds it. What a
CSR may do: resend the verification e-mail, lift the lockout, remove the second factor once the
customer's identity is confirmed, and unlink a login. Removing a factor and unlinking are
recorded in the row history (district.audit) and in the account's contact log.
"""

import datetime
from dataclasses import dataclass

import pghistory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.contacts.services import contact_log
from accounts.models import Contact, ServiceAccount
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from portal.enrolment.services import verification_send
from portal.models import MFA_REMOVED_BY_STAFF, AccountLink

NOTE_MAX = 1_000
CHANNELS = (Contact.Channel.PHONE, Contact.Channel.COUNTER)


@dataclass(frozen=True)
class OnlineLogin:
    link: AccountLink
    email: str
    verified: bool
    second_factors: list[str]  # allauth's kinds: "totp", "recovery_codes", "webauthn"
    last_sign_in: datetime.datetime | None
    locked: bool

    @property
    def has_second_factor(self) -> bool:
        return any(kind != Authenticator.Type.RECOVERY_CODES for kind in self.second_factors)


def _sign_in_names(user) -> set[str]:
    """The names the lockout may have counted failures under: the username and the e-mail."""
    return {name for name in (user.get_username(), user.email) if name}


def online_logins(account: ServiceAccount) -> list[OnlineLogin]:
    """The account's logins and their state, in four queries whatever their number."""
    links = list(
        AccountLink.objects.filter(service_account=account)
        .select_related("user")
        .order_by("linked_at", "pk")
    )
    user_ids = [link.user_id for link in links]
    addresses: dict[int, list[EmailAddress]] = {}
    for address in EmailAddress.objects.filter(user_id__in=user_ids).order_by("-primary", "pk"):
        addresses.setdefault(address.user_id, []).append(address)
    factors: dict[int, list[str]] = {}
    for user_id, kind in Authenticator.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "type"
    ):
        factors.setdefault(user_id, []).append(kind)
    names = set().union(*(_sign_in_names(link.user) for link in links)) if links else set()
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked_names = {
        name.lower()
        for name in AccessAttempt.objects.filter(
            username__in=names,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    }
    result = []
    for link in links:
        user_addresses = addresses.get(link.user_id, [])
        primary = user_addresses[0] if user_addresses else None
        result.append(
            OnlineLogin(
                link=link,
                email=primary.email if primary else link.user.email,
                verified=any(address.verified for address in user_addresses),
                second_factors=sorted(factors.get(link.user_id, [])),
                last_sign_in=link.user.last_login,
                locked=bool({name.lower() for name in _sign_in_names(link.user)} & locked_names),
            )
        )
    return result


def link_for_update(link_id: int) -> AccountLink:
    link = (
        AccountLink.objects.select_for_update(of=("self",))
        .select_related("user", "service_account")
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise ServiceError("That online sign-in is no longer linked to the account.")
    return link


def _check_note(channel: str, note: str) -> str:
    note = (note or "").strip()
    errors = {}
    if channel not in CHANNELS:
        errors["channel"] = "Choose how the customer reached us."
    if not note:
        errors["note"] = "Say how you confirmed who the customer is (or why the login goes)."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"The note is too long ({NOTE_MAX:,} characters at most)."
    if errors:
        raise ServiceError(errors)
    return note


@transaction.atomic
def verification_resend(*, link_id: int, by, request) -> EmailAddress:
    """Send the login's verification e-mail again (`request` builds the link's address)."""
    require(by, Perm.EDIT_ACCOUNTS, doing="resend a verification e-mail")
    link = link_for_update(link_id)
    address = (
        EmailAddress.objects.filter(user=link.user, verified=False).order_by("-primary").first()
    )
    if address is None:
        raise ServiceError("This sign-in's e-mail address is already verified.")
    transaction.on_commit(lambda: verification_send(address, request=request, signup=False))
    return address


@transaction.atomic
def login_unlock(*, link_id: int, by) -> int:
    """Lift the sign-in lockout of the login; returns how many failure records were cleared."""
    require(by, Perm.EDIT_ACCOUNTS, doing="unlock an online sign-in")
    link = link_for_update(link_id)
    return sum(axes_reset(username=name) for name in _sign_in_names(link.user))


@transaction.atomic
def mfa_remove(*, link_id: int, by, channel: str, note: str) -> int:
    """Remove the login's second factors once the CSR has confirmed who the customer is.

    Each factor's removal is an event in the history (who, which login, which kind) and the
    account's contact log says how identity was confirmed. Returns how many were removed.
    """
    require(by, Perm.EDIT_ACCOUNTS, doing="remove a customer's two-step sign-in")
    note = _check_note(channel, note)
    link = link_for_update(link_id)
    authenticators = list(
        Authenticator.objects.select_for_update().filter(user=link.user).order_by("pk")
    )
    if not authenticators:
        raise ServiceError("This sign-in has no two-step sign-in to remove.")
    with acting_user(by), pghistory.context(reason=note):
        for authenticator in authenticators:
            pghistory.create_event(authenticator, label=MFA_REMOVED_BY_STAFF)
        Authenticator.objects.filter(pk__in=[item.pk for item in authenticators]).delete()
    contact_log(
        channel=channel,
        reason=Contact.Reason.GENERAL,
        account=link.service_account,
        notes=(
            f"Online access: removed the two-step sign-in of {link.user.email or link.user}. "
            f"Identity confirmed: {note}"
        ),
        by=by,
    )
    return len(authenticators)


@transaction.atomic
def link_remove(*, link_id: int, by, channel: str, note: str) -> None:
    """Unlink a login from the account: it no longer sees the account (the login remains)."""
    require(by, Perm.EDIT_ACCOUNTS, doing="unlink an online sign-in")
    note = _check_note(channel, note)
    link = link_for_update(link_id)
    with acting_user(by), pghistory.context(reason=note):
        link.delete()
    contact_log(
        channel=channel,
        reason=Contact.Reason.GENERAL,
        account=link.service_account,
        notes=f"Online access: unlinked the sign-in {link.user.email or link.user}. {note}",
        by=by,
    )
