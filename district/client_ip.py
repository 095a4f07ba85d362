"""Who is calling: the client's address, trusting X-Forwarded-For only from our own proxies.

Any client can send an X-Forwarded-For header. Taking its first hop at face value let a caller
write any address into the audit history and dodge the sign-in lockout. Only a proxy listed in
TRUSTED_PROXIES (addresses or networks; empty by default, so the header is ignored) may speak
for the client: the address is the right-most hop that is not one of our proxies.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address)
    if parsed is None:
        return False
    return any(parsed in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind a trusted proxy the hop that reached it."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if _parse(hop) is None:
            # A malformed hop is where the chain stops being trustworthy.
            return remote
        if not is_trusted_proxy(hop):
            return str(_parse(hop))
    return remote
