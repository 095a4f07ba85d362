"""The account page's own panels: actions, flags, customer and contact, service address and
meter, status and dates. Other apps add theirs (balance, statement, consumption, bills...).

The page loads the account once with its customer, premise, balance (the ledger's balance
cache) and the meters installed there now (`account_for_page`, two queries); these panels read
from it, and only the flags panel queries.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from accounts.models import CustomerFlag, ServiceAccount
from accounts.selectors import premise_accounts_panel
from district import account_actions, panels
from district.ledger.selectors import balance_annotation
from district.roles import Perm
from field_ops.models import MeterInstallation

PAGE = "account"


def account_for_page(account_id: int) -> ServiceAccount:
    """The account with customer, premise, its balance (`ledger_balance`, from the ledger's
    balance cache in the same query) and its current meters (`premise.current_meters`)."""
    current = MeterInstallation.objects.filter(removed_on__isnull=True).select_related("meter")
    return get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise")
        .annotate(**balance_annotation())
        .prefetch_related(
            Prefetch(
                "premise__installations",
                queryset=current.order_by("meter__serial"),
                to_attr="current_meters",
            )
        ),
        pk=account_id,
    )


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    shortcut: str = ""  # a single-key shortcut and access key (see district.account_actions)


def _link(url_name: str, *args) -> str | None:
    """The URL of a page, or None while that page does not exist (yet)."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return None


def _actions(request, *, account, **_context) -> dict:
    """What the viewer may do from here: only links their role opens."""
    installations = account.premise.current_meters
    # Meter links when the premise has one meter (with several, the service panel lists each).
    meter_id = installations[0].meter_id if len(installations) == 1 else None
    active_id = account.pk if account.status == ServiceAccount.Status.ACTIVE else None
    candidates = [
        ("Edit account", Perm.EDIT_ACCOUNTS, "accounts:service_account_edit", account.pk),
        ("Stop service", Perm.START_STOP_SERVICE, "accounts:service_stop", active_id),
        ("Transfer service", Perm.START_STOP_SERVICE, "accounts:service_transfer", active_id),
        ("Change status", Perm.APPROVE_REQUESTS, "accounts:service_account_status", account.pk),
        (
            "Customer record",
            Perm.VIEW_CUSTOMER_CONTACTS,
            "accounts:customer_detail",
            account.customer_id,
        ),
        ("Edit customer", Perm.EDIT_ACCOUNTS, "accounts:customer_edit", account.customer_id),
        ("Flags", Perm.EDIT_ACCOUNTS, "accounts:customer_flags", account.customer_id),
        ("Premise", Perm.VIEW_ACCOUNTS, "field_ops:premise_detail", account.premise_id),
        ("Meter", Perm.VIEW_ACCOUNTS, "field_ops:meter_detail", meter_id),
        ("Enter a read", Perm.ENTER_READS, "field_ops:read_create", meter_id),
        (
            "Exchange the meter",
            Perm.EDIT_ACCOUNTS,
            "field_ops:meter_exchange",
            meter_id and account.premise_id,
        ),
        ("All activity", Perm.VIEW_ACCOUNTS, "accounts:account_activity", account.pk),
        ("Change history", Perm.VIEW_HISTORY, "history", "account", account.pk),
    ]
    # Actions other apps register (money first: "Take payment") lead the list.
    actions = [
        Action(link.label, link.url, link.shortcut)
        for link in account_actions.links_for(request.user, account.pk)
    ]
    for label, permission, url_name, *args in candidates:
        if None in args or not request.user.has_perm(permission):
            continue
        url = _link(url_name, *args)
        if url:
            actions.append(Action(label, url))
    # The counter's single-key shortcuts (static/js/portal.js; "?" lists them): n, s.
    if request.user.has_perm(Perm.EDIT_ACCOUNTS):
        case_url = _link("accounts:case_open")
        if case_url:
            actions.append(Action("Open a case", f"{case_url}?account={account.pk}", "n"))
    if request.user.has_perm(Perm.START_STOP_SERVICE):
        start_url = _link("accounts:service_start")
        if start_url:
            actions.append(Action("Start service", start_url, "s"))
    return {"actions": actions}


def _flags(request, *, account, **_context) -> dict:
    flags = (
        CustomerFlag.objects.filter(customer_id=account.customer_id, cleared_at__isnull=True)
        .select_related("set_by")
        .order_by("set_at")
    )
    return {"flags": list(flags)}


def _customer(request, *, account, **_context) -> dict:
    return {
        "customer": account.customer,
        "customer_url": _link("accounts:customer_detail", account.customer_id),
    }


def _service(request, *, account, **_context) -> dict:
    return {
        "premise": account.premise,
        "premise_url": _link("field_ops:premise_detail", account.premise_id),
        "installations": [
            (installation, _link("field_ops:meter_detail", installation.meter_id))
            for installation in account.premise.current_meters
        ],
    }


def _status(request, *, account, **_context) -> dict:
    return {"account": account}


# The account page's own panels (registered in accounts/registrations.py), and the premise
# page's (field_ops) list of the accounts at the premise, because field_ops sits below accounts
# and cannot read them itself.
PANELS = (
    panels.Panel(PAGE, "actions", "Actions", "accounts/panels/actions.html", _actions, order=0),
    panels.Panel(PAGE, "flags", "Flags", "accounts/panels/flags.html", _flags, order=5),
    panels.Panel(
        PAGE, "customer", "Customer and contact", "accounts/panels/customer.html", _customer,
        permission=Perm.VIEW_CUSTOMER_CONTACTS, order=20,
    ),
    panels.Panel(
        PAGE, "service", "Service address and meter", "accounts/panels/service.html", _service,
        permission=Perm.VIEW_ACCOUNTS, order=30,
    ),
    panels.Panel(
        PAGE, "status", "Status and dates", "accounts/panels/status.html", _status,
        permission=Perm.VIEW_ACCOUNTS, order=40,
    ),
    panels.Panel(
        page="premise",
        key="premise_accounts",
        title="Accounts at this premise",
        template="accounts/records/_panel_premise_accounts.html",
        selector=premise_accounts_panel,
        permission=Perm.VIEW_ACCOUNTS,
    ),
)  # fmt: skip
