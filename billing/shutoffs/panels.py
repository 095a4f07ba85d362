"""The shut-off panels: on the account page, when the water was shut off and where reconnection
stands; on the supervisor's home, the lists waiting for approval."""

from django.utils import timezone

from billing.shutoffs.reconnection import REQUEST_PERMISSION
from billing.shutoffs.selectors import account_disconnection, lists_awaiting_approval


def account_shutoff_panel(request, *, account, **_context) -> dict:
    disconnection = account_disconnection(account.pk)
    return {
        "disconnection": disconnection,
        "may_request": disconnection is not None
        and not disconnection.is_reconnected
        and not disconnection.reconnect_requested
        and request.user.has_perm(REQUEST_PERMISSION),
    }


def lists_to_approve_panel(request, **_context) -> dict:
    """The supervisor's home: the day's shut-off lists prepared and waiting for approval."""
    return {"lists": lists_awaiting_approval(timezone.localdate())}
