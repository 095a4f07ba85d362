"""The keys that make a repeated deposit request return its first result."""

from accounts.models import Deposit
from district.errors import ServiceError

# Ledger keys derived from the caller's key stay within the journal's 120 characters.
_KEY_LENGTH = 100


def request_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key:
        raise ServiceError("A request key is required (reload the page and try again).")
    if len(key) > _KEY_LENGTH:
        raise ServiceError(f"The request key is longer than {_KEY_LENGTH} characters.")
    return key


def charge_key(key: str) -> str:
    return f"deposit-charge:{key}"


def waiver_key(key: str) -> str:
    return f"deposit-waiver:{key}"


def settle_key(deposit: Deposit) -> str:
    # One settlement per deposit: applying, crediting and refunding share the key, so even a
    # bug that skipped the status check could not settle a deposit twice in the books.
    return f"deposit-settle:{deposit.pk}"


def refund_request_key(deposit_id: int) -> str:
    return f"deposit-refund:{deposit_id}"
