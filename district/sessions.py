"""Sessions: the idle timeout at the counter (a district policy), and ending a user's sessions.

SESSION_COOKIE_AGE is only the ceiling; the idle limit is the policy of the signed-in person's
kind (staff or customer), read once at sign-in and kept in the session, so no page pays a query
for it. A change of the policy applies from each person's next sign-in.
"""

import time

from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.utils import timezone

from district.policies import policy_value
from district.roles import is_staff_user

STAFF_IDLE_POLICY = "idle-timeout-staff"
CUSTOMER_IDLE_POLICY = "idle-timeout-customer"
DEFAULT_IDLE_MINUTES = 30
IDLE_LIMIT_KEY = "district_idle_limit"  # seconds
LAST_ACTIVITY_KEY = "district_last_activity"  # time.time() of the last request

POLICIES = (
    (
        STAFF_IDLE_POLICY,
        "Staff sign-out after idle minutes",
        "security",
        "integer",
        "30",
        "A staff member's session ends after this many minutes without a request (a counter "
        "PC left unattended). Applies from each person's next sign-in.",
    ),
    (
        CUSTOMER_IDLE_POLICY,
        "Customer sign-out after idle minutes",
        "security",
        "integer",
        "20",
        "A customer's portal session ends after this many minutes without a request. "
        "Applies from each person's next sign-in.",
    ),
)


def idle_limit_seconds(user) -> int:
    key = STAFF_IDLE_POLICY if is_staff_user(user) else CUSTOMER_IDLE_POLICY
    try:
        minutes = int(policy_value(key))
    except LookupError:
        minutes = DEFAULT_IDLE_MINUTES
    return max(minutes, 1) * 60


def remember_idle_limit(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the session keeps its idle limit from the sign-in on."""
    request.session[IDLE_LIMIT_KEY] = idle_limit_seconds(user)
    request.session[LAST_ACTIVITY_KEY] = time.time()


class IdleTimeoutMiddleware:
    """Signs out a session idle longer than its limit; otherwise notes this request's time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            limit = request.session.get(IDLE_LIMIT_KEY, DEFAULT_IDLE_MINUTES * 60)
            last = request.session.get(LAST_ACTIVITY_KEY, now)
            if now - last > limit:
                logout(request)
            else:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def sessions_end_for_user(user, *, keep_session_key: str | None = None) -> int:
    """End every open session of `user` (but `keep_session_key`, the caller's own): after a
    role change or an MFA reset, no session carries the old privileges. Returns the count.

    The session store has no user column, so the live sessions are decoded; this runs on an
    administrator's action, not on page views."""
    user_id = str(user.pk)
    ended = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(
        session_key=keep_session_key or ""
    )
    for session in live.iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
