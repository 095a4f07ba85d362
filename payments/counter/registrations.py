"""Registrations of the counter: the void and over/short approval kinds, the "Cash drawer" menu
entry, the account page's "Payments" panel and the "Take payment" action (account page and
search results)."""

from urllib.parse import urlencode

from django.urls import reverse

from district import account_actions, navigation, panels
from district.approvals import registry
from district.roles import Perm
from payments.counter import selectors, services

registry.register(
    services.VOID_KIND,
    label="Void of a counter payment",
    approve=services.void_approve,
    describe=services.void_describe,
)
registry.register(
    services.OVER_SHORT_KIND,
    label="Drawer over/short beyond tolerance",
    approve=services.over_short_approve,
    describe=services.over_short_describe,
)

navigation.register(
    navigation.NavItem(
        "Cash drawer", "payments:counter", Perm.TAKE_PAYMENTS, order=60, group="cash"
    )
)


def _payments_panel(request, *, account, **_context) -> dict:
    payment_lines = selectors.account_recent_payments(account.pk)
    return {
        "payment_lines": payment_lines,
        "limited": len(payment_lines) == selectors.PANEL_PAYMENTS,
        "can_open_receipts": request.user.has_perm(Perm.TAKE_PAYMENTS),
    }


panels.register(
    panels.Panel(
        "account", "payments", "Payments", "payments/counter/_panel_payments.html",
        _payments_panel, permission=Perm.VIEW_ACCOUNTS, order=55,
    )
)  # fmt: skip


def _drawer_panel(request, **_context) -> dict:
    return {"session": selectors.open_session_for(request.user)}


panels.register(
    panels.Panel(
        "home", "drawer", "Your cash drawer", "payments/counter/_panel_drawer.html",
        _drawer_panel, permission=Perm.TAKE_PAYMENTS, order=5,
    )
)  # fmt: skip


def take_payment_url(account_id: int) -> str:
    """The counter payment with this account chosen (its amount due filled in by the page)."""
    return reverse("payments:counter_pay") + "?" + urlencode({"account": account_id})


account_actions.register(
    account_actions.AccountAction(
        key="take_payment",
        label="Take payment",
        url=take_payment_url,
        permission=Perm.TAKE_PAYMENTS,
        places=(account_actions.ACCOUNT_PAGE, account_actions.SEARCH_RESULT),
        order=0,
        shortcut="p",
    )
)


def collect_deposit_url(account_id: int) -> str:
    """The counter payment with the account's deposit as its own line."""
    return (
        reverse("payments:counter_pay")
        + "?"
        + urlencode({"account": account_id, "deposit": account_id})
    )


account_actions.register(
    account_actions.AccountAction(
        key="collect_deposit",
        label="Collect deposit now",
        url=collect_deposit_url,
        permission=Perm.TAKE_PAYMENTS,
        places=(account_actions.SERVICE_STARTED,),
        order=0,
    )
)
