"""Where you are signed in (ASVS 3.3.4): your open sessions, and signing out any or all of the
others, after proving it is you (district.sign_in.reauthentication_required on the POST).

allauth.usersessions keeps a row per signed-in session (made at each sign-in, by allauth's
user_logged_in signal: the address, the browser, when); a row whose session has expired or was
ended is dropped when the list is read. No row is written per request (activity tracking is
off), so pages keep their query counts.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.utils.translation import gettext as _

from district.errors import ServiceError
from district.sessions import sessions_end_for_user

logger = logging.getLogger("district.security")

# (pattern, name) in the order they must be tried: Edge and Opera also say Chrome, Chrome also
# says Safari.
_BROWSERS = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
)
_SYSTEMS = (
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android", "Android"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "Mac"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
)


def device_text(user_agent: str) -> str:
    """A browser's User-Agent as people say it ("Firefox on Windows"); its own text, shortened,
    when it names neither a known browser nor a known system."""
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, user_agent)), "")
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or system
    return user_agent[:60] or _("Unknown browser")


@dataclass(frozen=True)
class OpenSession:
    id: int
    current: bool
    device: str
    address: str
    signed_in_at: datetime


def open_sessions(request) -> list[OpenSession]:
    """The signed-in user's open sessions, this one first, then the newest."""
    sessions = UserSession.objects.purge_and_list(request.user)
    current_key = request.session.session_key
    rows = [
        OpenSession(
            id=session.pk,
            current=session.session_key == current_key,
            device=device_text(session.user_agent),
            address=session.ip,
            signed_in_at=session.created_at,
        )
        for session in sessions
    ]
    return sorted(rows, key=lambda row: (not row.current, -row.signed_in_at.timestamp()))


@transaction.atomic
def sessions_end(request, *, session_ids: list[int] | None = None) -> int:
    """Sign out the user's other sessions: those named, or all of them (None). This session is
    never among them (signing out here is the Sign out button). Returns how many ended."""
    current_key = request.session.session_key
    others = UserSession.objects.filter(user_id=request.user.pk).exclude(session_key=current_key)
    if session_ids is not None:
        chosen = list(others.filter(pk__in=session_ids))
        if len(chosen) != len(set(session_ids)):
            raise ServiceError(_("That session has already ended, or is not one of yours."))
        # allauth's public adapter ends them (the session store's rows and their list rows).
        get_adapter().end_sessions(chosen)
        ended = len(chosen)
    else:
        others.delete()
        # Every other session, listed or not (one opened before sessions were listed, or by
        # another door than the sign-in page), as a role change ends them.
        ended = sessions_end_for_user(request.user, keep_session_key=current_key)
    logger.info(
        "sessions ended by their user",
        extra={"user_id": request.user.pk, "ended": ended, "all_others": session_ids is None},
    )
    return ended


def session_recorded(request) -> None:
    """Make sure this session is listed (one opened by another door than the sign-in page, or
    before sessions were listed, has no row yet)."""
    key = request.session.session_key
    if key and not UserSession.objects.filter(session_key=key).exists():
        UserSession.objects.create_from_request(request)


def session_key_changed(old_key: str | None, request) -> None:
    """The listed session follows its session's new key (cycle_key on a change of privilege)."""
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(
            session_key=request.session.session_key
        )
