"""Registrations of refunds (imported from payments/registrations.py): the credit balance refund
approval kind, the account page's "Refunds" panel and the refund register's menu entry."""

from district import navigation, panels
from district.approvals import registry
from district.roles import Perm
from payments.refunds import selectors, services

registry.register(
    services.REFUND_KIND,
    label="Refund of a credit balance",
    approve=services.refund_approve,
    describe=services.refund_describe,
)


def _account_refunds(request, *, account, **_context) -> dict:
    """One query; a second, for the refunds waiting for approval, only when there is credit."""
    found = selectors.account_refunds(account.pk)
    balance = found.balance
    return {
        "refunds": found.refunds,
        "pending_refunds": selectors.pending_refund_requests(account.pk) if balance < 0 else [],
        "credit": -balance if balance < 0 else None,
        "can_request_refund": (
            balance < 0
            and account.status in services.REFUNDABLE_STATUSES
            and request.user.has_perm(Perm.ADJUST_BILLS)
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
