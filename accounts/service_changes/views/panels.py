"""The panels this feature adds to the account and premise pages (registered in
registrations.py)."""

from django.urls import NoReverseMatch, reverse

from accounts.models import RevertToOwnerAgreement, ServiceAccount
from accounts.service_changes import selectors
from accounts.services import CUSTOMER_FIELDS
from district.roles import Perm
from field_ops.models import Premise, WorkOrder


def _link(url_name: str, *args) -> str | None:
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return None


def account_service_panel(request, *, account: ServiceAccount, **_page) -> dict:
    """The account page's "Start and stop" panel: the start and stop orders and what to do."""
    may_act = request.user.has_perm(Perm.START_STOP_SERVICE)
    orders = selectors.service_orders_of(account)
    stop = selectors.stop_of(account) if not account.is_active else None
    links = []
    if may_act and account.can_stop:
        links.append(("Stop service", reverse("accounts:service_stop", args=[account.pk])))
        links.append(("Transfer service", reverse("accounts:service_transfer", args=[account.pk])))
    stop_open = stop is not None and (
        stop.final_read_order is None or stop.final_read_order.status in WorkOrder.OPEN_STATUSES
    )
    if may_act and account.is_stopping and stop_open:
        links.append(("Cancel the stop", reverse("accounts:service_stop", args=[account.pk])))
    links.append(("Welcome letter (PDF)", reverse("accounts:welcome_letter", args=[account.pk])))
    return {
        "service_orders": [
            (order, _link("field_ops:work_order_detail", order.pk)) for order in orders
        ],
        "stop": stop,
        "service_links": links,
    }


def premise_agreement_panel(request, *, premise: Premise, **_page) -> dict:
    return {
        "open_agreement": selectors.open_owner_agreement(premise),
        "agreement_url": reverse("accounts:owner_agreement", args=[premise.pk])
        if request.user.has_perm(Perm.EDIT_ACCOUNTS)
        else None,
    }


__all__ = [
    "CUSTOMER_FIELDS",
    "RevertToOwnerAgreement",
]
