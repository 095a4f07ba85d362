"""The account page's "Collections" panel (registered in registrations.py)."""

from billing.collections.queue import account_collections
from district.roles import Perm


def collections_panel(request, *, account, **_context) -> dict:
    collections = account_collections(account.pk)
    return {
        "collections": collections,
        "active_holds": [hold for hold in collections.holds if hold.is_active_on(collections.on)],
        "can_act": request.user.has_perm(Perm.TAKE_PAYMENTS),
        "can_release": request.user.has_perm(Perm.PAYMENT_ARRANGEMENTS),
    }
