"""Stopping service: the stop request and final read, cancelling it, what the final read's
completion does (revert to owner), closing a settled account, and owner agreements."""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction

from accounts.contacts.services import contact_log
from accounts.models import (
    Contact,
    Customer,
    RevertToOwnerAgreement,
    ServiceAccount,
    StopRequest,
)
from accounts.service_changes import selectors
from accounts.service_changes.services.checks import ZIP, Status, check_service_date, today
from accounts.service_changes.services.locks import premises_for_update
from accounts.service_changes.services.orders import service_order_create
from accounts.service_changes.services.values import ForwardingAddress
from accounts.services import (
    service_account_create,
    service_account_transition,
)
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.ledger.models import AccountBalance
from district.ledger.selectors import account_balance
from district.roles import Perm
from field_ops.completion.specs import order_meter
from field_ops.models import MeterRead, Premise, WorkOrder
from field_ops.services.reads import read_record
from field_ops.work_orders import work_order_cancel
from field_ops.work_orders.services import work_order_complete_with_read

# -- stop


@dataclass(frozen=True)
class CounterRead:
    """The final read taken at the counter instead of sending a field order: the reading the
    customer gives, or an estimate. The read keeps its source (and an estimate its flag)."""

    reading: str
    source: str  # MeterRead.Source.CUSTOMER or MeterRead.Source.ESTIMATE


COUNTER_READ_SOURCES = (MeterRead.Source.CUSTOMER, MeterRead.Source.ESTIMATE)


def _check_forwarding(forwarding: ForwardingAddress | None, errors: dict) -> ForwardingAddress:
    forwarding = forwarding or ForwardingAddress(line1="", city="", zip_code="")
    cleaned = ForwardingAddress(
        line1=" ".join((forwarding.line1 or "").split()),
        line2=" ".join((forwarding.line2 or "").split()),
        city=" ".join((forwarding.city or "").split()),
        state=(forwarding.state or "").strip().upper(),
        zip_code=(forwarding.zip_code or "").strip(),
    )
    if not cleaned.line1:
        errors["forwarding_line1"] = "Enter the address the final bill goes to."
    if not cleaned.city:
        errors["forwarding_city"] = "Enter the city."
    if not re.fullmatch(r"[A-Z]{2}", cleaned.state):
        errors["forwarding_state"] = "Enter the two-letter state, e.g. CA."
    if not ZIP.match(cleaned.zip_code):
        errors["forwarding_zip"] = "Enter a ZIP code like 92000 or 92000-1234."
    return cleaned


def stop_unlogged(
    *,
    account: ServiceAccount,
    stop_date: datetime.date,
    reason: str,
    forwarding: ForwardingAddress | None,
    by,
    notes: str = "",
    order_due: datetime.date | None = None,
    counter_read: CounterRead | None = None,
) -> StopRequest:
    """The stop itself, without the contact. The final-read order is due `order_due` (the stop
    date unless given); with a `counter_read` it is completed at once with that read."""
    account = (
        ServiceAccount.objects.select_for_update()
        .select_related("premise", "customer")
        .get(pk=account.pk)
    )
    errors: dict = {}
    if account.status != Status.ACTIVE:
        errors["account"] = (
            f"Account {account.formatted_number} is {account.get_status_display().lower()}: "
            "only active service can be stopped."
        )
    if reason not in StopRequest.Reason.values:
        errors["reason"] = "Choose why service stops."
    check_service_date(stop_date, field_name="stop_date", what="stops", errors=errors)
    if stop_date is not None and "stop_date" not in errors and stop_date < account.start_date:
        errors["stop_date"] = (
            f"Service cannot stop before it started ({account.start_date:%m/%d/%Y})."
        )
    forwarding = _check_forwarding(forwarding, errors)
    _check_final_read(stop_date, order_due, counter_read, errors)
    notes = " ".join((notes or "").split())
    if len(notes) > StopRequest._meta.get_field("notes").max_length:
        errors["notes"] = "The note is too long (255 characters at most)."
    if errors:
        raise ServiceError(errors)
    order = service_order_create(
        order_type=WorkOrder.Type.FINAL_READ,
        premise=account.premise,
        on_date=order_due or stop_date,
        account=account,
        by=by,
        instructions=f"Final read for {account.customer.display_name}, account "
        f"{account.formatted_number}, service stops {stop_date:%m/%d/%Y}.",
    )
    fields = {
        "stop_date": stop_date,
        "reason": reason,
        "forwarding_line1": forwarding.line1,
        "forwarding_line2": forwarding.line2,
        "forwarding_city": forwarding.city,
        "forwarding_state": forwarding.state,
        "forwarding_zip": forwarding.zip_code,
        "notes": notes,
        "final_read_order": order,
        "reverted_to": None,
        "requested_by": by,
    }
    # One stop per account: a stop cancelled earlier is replaced (its cancelled order stays).
    with acting_user(by):
        stop, _created = StopRequest.objects.update_or_create(account=account, defaults=fields)
    service_account_transition(account=account, to_status=Status.PENDING_FINAL, by=by)
    if counter_read is not None:
        _final_read_at_counter(order, counter_read, by)
    return stop


def _check_final_read(stop_date, order_due, counter_read: CounterRead | None, errors: dict):
    if counter_read is not None:
        if counter_read.source not in COUNTER_READ_SOURCES:
            errors["final_read"] = "Choose whether the customer read the meter or it is estimated."
        if not str(counter_read.reading or "").strip():
            errors["reading"] = "Enter the final reading."
        if stop_date is not None and "stop_date" not in errors and stop_date > today():
            errors["stop_date"] = (
                "A final read taken at the counter is for service stopping today or earlier: "
                "send a field order for a later stop."
            )
    elif order_due is not None and stop_date is not None and "stop_date" not in errors:
        if order_due < stop_date:
            errors["order_due"] = "The final read cannot be due before service stops."
        elif order_due > stop_date + datetime.timedelta(days=MAX_ORDER_DELAY_DAYS):
            errors["order_due"] = (
                f"Ask for the final read within {MAX_ORDER_DELAY_DAYS} days of the stop."
            )


# A final read long after the stop bills the next occupant's water to this customer.
MAX_ORDER_DELAY_DAYS = 14


def _final_read_at_counter(order: WorkOrder, counter_read: CounterRead, by) -> None:
    """Record the counter's read (today, with its source) and complete the final-read order with
    it, so the final bill's queue takes the account as after a field read."""
    meter = order_meter(order)
    if meter is None:
        raise ServiceError(
            {"reading": "No meter is on record at this premise: send a field order instead."}
        )
    source = MeterRead.Source(counter_read.source)
    read = read_record(
        meter=meter,
        read_on=today(),
        reading=counter_read.reading,
        source=source,
        by=by,
        note=f"Final read taken at the counter ({source.label.lower()})",
    )
    work_order_complete_with_read(work_order=order, read=read, by=by)


@transaction.atomic
def service_stop(
    *,
    account: ServiceAccount,
    stop_date: datetime.date,
    reason: str,
    forwarding: ForwardingAddress,
    by,
    notes: str = "",
    channel: str = Contact.Channel.COUNTER,
    order_due: datetime.date | None = None,
    counter_read: CounterRead | None = None,
) -> StopRequest:
    """Stop service: the stop request, a final-read order due on the stop date (or
    `order_due`) on the dispatch board, or the final read taken at the counter
    (`counter_read`: the customer's reading or an estimate, the order completed with it), the
    account pending final (billing's final bill picks it up once the read is in), the contact
    logged."""
    require(by, Perm.START_STOP_SERVICE, doing="start or stop service")
    premises_for_update(account.premise)
    stop = stop_unlogged(
        account=account,
        stop_date=stop_date,
        reason=reason,
        forwarding=forwarding,
        by=by,
        notes=notes,
        order_due=order_due,
        counter_read=counter_read,
    )
    contact_log(
        channel=channel,
        reason=Contact.Reason.STOP,
        by=by,
        account=stop.account,
        notes=f"Service to stop {stop.stop_date:%m/%d/%Y} ({stop.get_reason_display().lower()}); "
        f"final bill to {stop.forwarding_line1}, {stop.forwarding_city}. {notes}".strip(),
    )
    return stop


@transaction.atomic
def service_stop_cancel(
    *, account: ServiceAccount, by, reason: str, channel: str = Contact.Channel.COUNTER
) -> ServiceAccount:
    """Take a stop back before the final read is done: the order is cancelled and the account
    is active again."""
    require(by, Perm.START_STOP_SERVICE, doing="start or stop service")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError({"reason": "Say why the stop is cancelled."})
    account = ServiceAccount.objects.select_for_update().get(pk=account.pk)
    stop = selectors.open_stop(account)
    if stop is None:
        raise ServiceError(
            {
                "reason": f"Account {account.formatted_number} has no stop that can still be "
                "cancelled (the final read is done, or service is not stopping)."
            }
        )
    if stop.final_read_order is not None:
        work_order_cancel(
            work_order=stop.final_read_order, by=by, reason=f"Stop cancelled: {reason}"
        )
    account = service_account_transition(account=account, to_status=Status.ACTIVE, by=by)
    contact_log(
        channel=channel,
        reason=Contact.Reason.STOP,
        by=by,
        account=account,
        notes=f"Stop of {stop.stop_date:%m/%d/%Y} cancelled: {reason}",
    )
    return account


# -- completion of the final read


def final_read_completed(work_order: WorkOrder, completion: dict, by) -> None:
    """Final read done: the account stays pending final, awaiting its final bill (billing's
    queue). If the premise has an open revert-to-owner agreement, service reverts to the owner:
    the owner's account starts on the stop date, active at once, this final read its start read
    (no shut-off). Not when another start is pending there: that customer takes the service."""
    if work_order.service_account_id is None:
        return
    stop = (
        StopRequest.objects.select_related("account")
        .filter(account_id=work_order.service_account_id, final_read_order=work_order)
        .first()
    )
    if stop is None or stop.account.status != Status.PENDING_FINAL:
        return
    premise = premises_for_update(work_order.premise)[work_order.premise_id]
    stop = (
        StopRequest.objects.select_for_update(of=("self",))
        .select_related("account")
        .get(pk=stop.pk)
    )
    agreement = selectors.open_owner_agreement(premise)
    if agreement is None or agreement.owner_id == stop.account.customer_id:
        return
    open_accounts = selectors.open_accounts_at(premise)
    if any(
        account.status in (Status.ACTIVE, Status.PENDING)
        and account.customer_id != agreement.owner_id
        for account in open_accounts
    ):
        return  # someone else's start is pending (or active): they take the service over
    stopping = stop.account
    owner_account = next(
        (
            account
            for account in open_accounts
            if account.customer_id == agreement.owner_id and account.status == Status.PENDING
        ),
        None,
    )
    if owner_account is None:
        owner_account = service_account_create(
            customer=agreement.owner,
            premise=premise,
            customer_class=stopping.customer_class,
            start_date=max(stop.stop_date, stopping.start_date),
            billing_cycle=stopping.billing_cycle,
            billing_frequency=stopping.billing_frequency,
            is_owner=True,
            by=by,
        )
    owner_account = service_account_transition(
        account=owner_account, to_status=Status.ACTIVE, by=by, on_date=owner_account.start_date
    )
    stop.reverted_to = owner_account
    with acting_user(by):
        stop.save(update_fields=["reverted_to"])


# -- closing a final account


@transaction.atomic
def service_close_if_settled(*, account: ServiceAccount, by) -> ServiceAccount:
    """Close a final account once nothing is owed on it (for billing and payments to call after
    they post to it). An account not final, or with a balance either way, is left as it is."""
    account = ServiceAccount.objects.select_for_update().get(pk=account.pk)
    if account.status != Status.FINAL:
        return account
    # The balance row is locked too, so a payment or bill posting now waits for the decision.
    AccountBalance.objects.select_for_update().filter(service_account_id=account.pk).first()
    if account_balance(account.pk) != 0:
        return account
    return service_account_transition(
        account=account, to_status=Status.CLOSED, by=by, on_date=account.end_date
    )


# -- revert-to-owner agreements


@transaction.atomic
def owner_agreement_record(
    *, premise: Premise, owner: Customer, signed_on: datetime.date, by
) -> RevertToOwnerAgreement:
    """Record an owner's standing agreement: when a tenant stops, service reverts to them."""
    require(by, Perm.EDIT_ACCOUNTS, doing="record owner agreements")
    errors: dict = {}
    if owner is None:
        errors["owner"] = "Enter the owner's customer number."
    if signed_on is None:
        errors["signed_on"] = "Enter the date the owner signed."
    elif signed_on > today():
        errors["signed_on"] = "The signing date cannot be in the future."
    premise = premises_for_update(premise)[premise.pk]
    existing = selectors.open_owner_agreement(premise)
    if existing is not None:
        errors["owner"] = (
            f"{premise} already has an agreement with {existing.owner.display_name} "
            f"(signed {existing.signed_on:%m/%d/%Y}). End it first."
        )
    if errors:
        raise ServiceError(errors)
    agreement = RevertToOwnerAgreement(
        premise=premise, owner=owner, signed_on=signed_on, recorded_by=by
    )
    with acting_user(by):
        agreement.save()
    return agreement


@transaction.atomic
def owner_agreement_end(
    *, agreement: RevertToOwnerAgreement, ended_on: datetime.date, by
) -> RevertToOwnerAgreement:
    """End an owner's agreement (from that day tenants' stops shut the water off as usual)."""
    require(by, Perm.EDIT_ACCOUNTS, doing="end owner agreements")
    agreement = RevertToOwnerAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.ended_on is not None:
        raise ServiceError(
            {"ended_on": f"This agreement already ended on {agreement.ended_on:%m/%d/%Y}."}
        )
    if ended_on is None:
        raise ServiceError({"ended_on": "Enter the date the agreement ends."})
    if ended_on < agreement.signed_on:
        raise ServiceError(
            {"ended_on": f"It cannot end before it was signed ({agreement.signed_on:%m/%d/%Y})."}
        )
    agreement.ended_on = ended_on
    with acting_user(by):
        agreement.save(update_fields=["ended_on"])
    return agreement
