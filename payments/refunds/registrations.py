"""Registrations of refunds (imported from payments/registrations.py): the account page's
"Refunds" panel and the refund register's menu entry. The approval kind of a credit refund is
billing's (billing.refunds), which this app's request page files."""

from billing.refunds.kinds import REFUNDABLE_STATUSES
from billing.refunds.selectors import pending_refund_requests
from billing.refunds.services import REQUEST_PERMISSION
from district import navigation, panels
from district.roles import Perm
from payments.refunds import selectors


def _account_refunds(request, *, account, **_context) -> dict:
    """One query; a second, for the refunds waiting for approval, only when there is credit."""
    found = selectors.account_refunds(account.pk)
    balance = found.balance
    return {
        "refunds": found.refunds,
        "pending_refunds": pending_refund_requests(account.pk) if balance < 0 else [],
        "credit": -balance if balance < 0 else None,
        "can_request_refund": (
            balance < 0
            and account.status in REFUNDABLE_STATUSES
            and request.user.has_perm(REQUEST_PERMISSION)
        ),
    }


panels.register(
    panels.Panel(
        page="account",
        key="refunds",
        title="Refunds",
        template="payments/refunds/_account_panel.html",
        selector=_account_refunds,
        permission=Perm.VIEW_ACCOUNTS,
        order=65,
    )
)
navigation.register(
    navigation.NavItem(
        "Refund register", "payments:refund_register", Perm.VIEW_REPORTS, order=67, group="cash"
    )
)
