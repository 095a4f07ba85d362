"""The account page's shut-off panel: when the water was shut off and where reconnection stands."""

from billing.shutoffs.reconnection import REQUEST_PERMISSION
from billing.shutoffs.selectors import account_disconnection


def account_shutoff_panel(request, *, account, **_context) -> dict:
    disconnection = account_disconnection(account.pk)
    return {
        "disconnection": disconnection,
        "may_request": disconnection is not None
        and not disconnection.is_reconnected
        and not disconnection.reconnect_requested
        and request.user.has_perm(REQUEST_PERMISSION),
    }
