"""Reads of start, stop and transfer of service: finding the customer and the premise, the
state of service at a premise, the rules that pick an order type, a billing cycle and a class.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import (
    Customer,
    RevertToOwnerAgreement,
    ServiceAccount,
    StopRequest,
)
from district.policies import policy_values
from field_ops import finder
from field_ops.models import Premise, WorkOrder

Status = ServiceAccount.Status
OPEN_STATUSES = (Status.PENDING, Status.ACTIVE, Status.PENDING_FINAL)
SEARCH_LIMIT = 20
# The very expression of customer_name_search_idx (accounts.models.Customer.Meta.indexes).
_NAME_FIELDS = ("first_name", "last_name", "business_name")
_WORD = re.compile(r"[^\W_]+")
_APN_LIKE = re.compile(r"^[\d\s-]+$")

# Water is off at a premise after these orders (until one of the "on" orders follows).
OFF_ORDER_TYPES = (WorkOrder.Type.TURN_OFF, WorkOrder.Type.SHUT_OFF)
ON_ORDER_TYPES = (WorkOrder.Type.TURN_ON, WorkOrder.Type.RECONNECT)
START_ORDER_TYPES = (WorkOrder.Type.TURN_ON, WorkOrder.Type.START_READ)

CLASS_FOR_PREMISE_TYPE = {
    Premise.PremiseType.SINGLE_FAMILY: ServiceAccount.CustomerClass.RESIDENTIAL,
    Premise.PremiseType.MULTI_FAMILY: ServiceAccount.CustomerClass.MULTI_FAMILY,
    Premise.PremiseType.COMMERCIAL: ServiceAccount.CustomerClass.COMMERCIAL,
    Premise.PremiseType.IRRIGATION: ServiceAccount.CustomerClass.IRRIGATION,
    Premise.PremiseType.FIRE_SERVICE: ServiceAccount.CustomerClass.FIRE_SERVICE,
}


# -- finding the customer


def customer_search(text: str, *, limit: int = SEARCH_LIMIT) -> list[Customer]:
    """Customers by phone (7+ digits: the start of a phone) or by name words in any order.

    One indexed query: the phone prefix index, or the name full-text index.
    """
    text = (text or "").strip()
    digits = re.sub(r"\D", "", text)
    if digits and len(digits) >= 7 and not re.search(r"[A-Za-z]", text):
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        customers = Customer.objects.filter(Q(phone__startswith=digits) | Q(alternate_phone=digits))
    else:
        words = [word.lower() for word in _WORD.findall(text)]
        if not words:
            return []
        query = SearchQuery(
            " & ".join(f"{word}:*" for word in words), search_type="raw", config="simple"
        )
        customers = Customer.objects.annotate(
            name_vector=SearchVector(*_NAME_FIELDS, config="simple")
        ).filter(name_vector=query)
    return list(customers.order_by("last_name", "first_name", "business_name", "pk")[:limit])


# -- finding the premise and what service it has


@dataclass(frozen=True)
class PremiseOption:
    """A premise found for a start, with the accounts open there (at most one of each)."""

    premise: Premise
    active: ServiceAccount | None
    pending: ServiceAccount | None
    stopping: ServiceAccount | None

    @property
    def state(self) -> str:
        """What the counter needs to know about the premise, in a few words."""
        if self.active is not None:
            return f"Active: {self.active.customer.display_name} ({self.active.formatted_number})"
        if self.pending is not None:
            return (
                f"Start pending: {self.pending.customer.display_name} "
                f"({self.pending.formatted_number})"
            )
        if self.stopping is not None:
            return f"Stopping: {self.stopping.customer.display_name}"
        return "No active service"


def premise_search(text: str, *, limit: int = SEARCH_LIMIT) -> list[PremiseOption]:
    """Premises by APN (digits and dashes) or by service address in part; two queries."""
    text = (text or "").strip()
    if not text:
        return []
    if (
        _APN_LIKE.match(text)
        and len(re.sub(r"\D", "", text)) >= finder.APN_PREFIX_MIN
        and ("-" in text or len(re.sub(r"\D", "", text)) >= finder.APN_DIGITS)
    ):
        found = finder.premise_find(apn=text, limit=limit).premises
    else:
        found = finder.premise_find(address=text, limit=limit).premises
    return premise_options(found)


def premise_options(premises: list[Premise]) -> list[PremiseOption]:
    """Each premise with its open accounts (one query for all of them)."""
    by_premise: dict[int, dict[str, ServiceAccount]] = {premise.pk: {} for premise in premises}
    accounts = (
        ServiceAccount.objects.filter(premise_id__in=list(by_premise), status__in=OPEN_STATUSES)
        .select_related("customer")
        .order_by("-start_date", "-id")
    )
    for account in accounts:
        by_premise[account.premise_id].setdefault(account.status, account)
    return [
        PremiseOption(
            premise=premise,
            active=by_premise[premise.pk].get(Status.ACTIVE),
            pending=by_premise[premise.pk].get(Status.PENDING),
            stopping=by_premise[premise.pk].get(Status.PENDING_FINAL),
        )
        for premise in premises
    ]


def premise_option(premise: Premise) -> PremiseOption:
    return premise_options([premise])[0]


def open_accounts_at(premise: Premise) -> list[ServiceAccount]:
    """The premise's pending, active and pending-final accounts, newest first."""
    return list(
        ServiceAccount.objects.filter(premise=premise, status__in=OPEN_STATUSES)
        .select_related("customer")
        .order_by("-start_date", "-id")
    )


def active_accounts_of(customer: Customer) -> list[ServiceAccount]:
    """The customer's active accounts (what a transfer could move), with their premises."""
    return list(
        ServiceAccount.objects.filter(customer=customer, status=Status.ACTIVE)
        .select_related("premise")
        .order_by("number")
    )


# -- the rules of a start


def water_is_off(premise: Premise) -> bool:
    """Whether the water is presumed off at the premise, so a start needs a turn-on.

    The rule: never any account there (a new connection, or never served by the district), or
    the latest completed turn-off/shut-off at the premise came after the latest completed
    turn-on/reconnect. Otherwise a stop left the water on (a final read only) and a start
    read is enough. Two queries.
    """
    if not ServiceAccount.objects.filter(premise=premise).exclude(status=Status.PENDING).exists():
        return True
    last_switch = (
        WorkOrder.objects.filter(
            premise=premise,
            status=WorkOrder.Status.COMPLETED,
            order_type__in=(*OFF_ORDER_TYPES, *ON_ORDER_TYPES),
        )
        .order_by("-completed_at", "-id")
        .values_list("order_type", flat=True)
        .first()
    )
    return last_switch in OFF_ORDER_TYPES


def start_order_type(premise: Premise) -> str:
    """turn_on when the water is off at the premise, start_read when it is on."""
    return WorkOrder.Type.TURN_ON if water_is_off(premise) else WorkOrder.Type.START_READ


def billing_schedule_for(premise: Premise) -> tuple[str, str]:
    """(billing cycle, frequency) for a new account at the premise.

    The premise's latest account's, as its reads are scheduled; else the most usual one among
    the accounts on the same read route; else the route itself (a new route: the billing
    office moves it when they add the route to a cycle).
    """
    latest = (
        ServiceAccount.objects.filter(premise=premise)
        .order_by("-start_date", "-id")
        .values_list("billing_cycle", "billing_frequency")
        .first()
    )
    if latest is not None:
        return latest
    on_route = Counter(
        ServiceAccount.objects.filter(premise__route=premise.route)
        .order_by("-id")
        .values_list("billing_cycle", "billing_frequency")[:200]
    )
    if on_route:
        return on_route.most_common(1)[0][0]
    return premise.route.upper(), ServiceAccount.BillingFrequency.MONTHLY


def default_customer_class(premise: Premise) -> str:
    return CLASS_FOR_PREMISE_TYPE.get(
        premise.premise_type, ServiceAccount.CustomerClass.RESIDENTIAL
    )


@dataclass(frozen=True)
class DateWindow:
    earliest: datetime.date
    latest: datetime.date
    past_days: int
    ahead_days: int


def service_date_window(today: datetime.date | None = None) -> DateWindow:
    """The dates a start (or stop) may be asked for, from the district's policies."""
    today = today or timezone.localdate()
    values = policy_values("start-date-past-limit-days", "start-date-horizon-days")
    past, ahead = values["start-date-past-limit-days"], values["start-date-horizon-days"]
    return DateWindow(
        earliest=today - datetime.timedelta(days=past),
        latest=today + datetime.timedelta(days=ahead),
        past_days=past,
        ahead_days=ahead,
    )


# -- stops, owner agreements, the account page


def open_owner_agreement(premise: Premise) -> RevertToOwnerAgreement | None:
    return (
        RevertToOwnerAgreement.objects.filter(premise=premise, ended_on__isnull=True)
        .select_related("owner")
        .first()
    )


def owner_agreements(premise: Premise) -> list[RevertToOwnerAgreement]:
    """Every agreement at the premise, open first, then newest."""
    return list(
        RevertToOwnerAgreement.objects.filter(premise=premise)
        .select_related("owner", "recorded_by")
        .order_by(F("ended_on").desc(nulls_first=True), "-signed_on", "-id")
    )


def stop_of(account: ServiceAccount) -> StopRequest | None:
    """The account's stop request (with its final read order), or None."""
    return (
        StopRequest.objects.filter(account=account)
        .select_related("final_read_order", "reverted_to")
        .first()
    )


def open_stop(account: ServiceAccount) -> StopRequest | None:
    """The stop that can still be cancelled: the account stopping, its final read not done."""
    if account.status != Status.PENDING_FINAL:
        return None
    stop = stop_of(account)
    if stop is None or stop.final_read_order is None:
        return stop
    if stop.final_read_order.status not in WorkOrder.OPEN_STATUSES:
        return None
    return stop


def start_order_of(account: ServiceAccount) -> WorkOrder | None:
    """The turn-on or start-read order that starts the account (the newest one)."""
    return (
        WorkOrder.objects.filter(service_account_id=account.pk, order_type__in=START_ORDER_TYPES)
        .order_by("-created_at", "-id")
        .first()
    )


def service_orders_of(account: ServiceAccount, *, limit: int = 5) -> list[WorkOrder]:
    """The account's start and stop orders, newest first (one query)."""
    return list(
        WorkOrder.objects.filter(
            service_account_id=account.pk,
            order_type__in=(*START_ORDER_TYPES, WorkOrder.Type.FINAL_READ),
        ).order_by("-created_at", "-id")[:limit]
    )


def awaiting_final_bill():
    """Pending-final accounts whose final read is done: the queue billing's final bill takes
    (with the stop request: forwarding address and stop date)."""
    return (
        ServiceAccount.objects.filter(
            status=Status.PENDING_FINAL,
            stop__final_read_order__status=WorkOrder.Status.COMPLETED,
        )
        .select_related("customer", "premise", "stop")
        .order_by("stop__stop_date", "pk")
    )
