"""Counters of wrong enrolment facts, per account number and per client address.

Cache counters with a window: the first failure starts the window, later ones count within it,
and the key expires with the window. A guesser who spreads tries over many account numbers is
stopped by the address counter; one who spreads them over many addresses, by the account's.
"""

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

WINDOW_SECONDS = 60 * 60
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20

THROTTLED_MESSAGE = _(
    "Too many tries that did not match our records. For your security, wait an hour and try "
    "again, or call the district office."
)


def _keys(*, account_number: str, ip: str) -> list[tuple[str, int]]:
    keys = [(f"portal:enrol:ip:{ip}", FAILURES_PER_ADDRESS)]
    if account_number:
        keys.append((f"portal:enrol:account:{account_number}", FAILURES_PER_ACCOUNT))
    return keys


def is_throttled(*, account_number: str, ip: str) -> bool:
    counts = cache.get_many([key for key, _limit in _keys(account_number=account_number, ip=ip)])
    return any(
        counts.get(key, 0) >= limit for key, limit in _keys(account_number=account_number, ip=ip)
    )


def record_failure(*, account_number: str, ip: str) -> None:
    for key, _limit in _keys(account_number=account_number, ip=ip):
        # add() starts the window only if none is running; incr() then counts inside it.
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.add(key, 1, timeout=WINDOW_SECONDS)
