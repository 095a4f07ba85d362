"""Transfer of service: a stop at one premise and a start at another, in one transaction."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.contacts.services import contact_log
from accounts.models import (
    Contact,
    ServiceAccount,
    ServiceAccountParties,
    StopRequest,
)
from accounts.service_changes.services.locks import premises_for_update
from accounts.service_changes.services.start import start_result_of, start_unlogged
from accounts.service_changes.services.stop import stop_unlogged
from accounts.service_changes.services.values import (
    DepositChoice,
    ForwardingAddress,
    OwnerInfo,
    StartResult,
    TransferResult,
)
from district.errors import ServiceError, require
from district.roles import Perm
from field_ops.models import Premise


@transaction.atomic
def service_transfer(
    *,
    from_account: ServiceAccount,
    to_premise: Premise,
    stop_date: datetime.date,
    start_date: datetime.date,
    forwarding: ForwardingAddress,
    customer_class: str,
    is_owner: bool,
    owner_info: OwnerInfo | None,
    by,
    idempotency_key: str,
    channel: str = Contact.Channel.COUNTER,
    notes: str = "",
) -> TransferResult:
    """Move a customer's service: stop at the old premise and start at the new one, in one
    transaction. The deposit and the paperless choice move with them, the new account records
    the old one (ServiceAccountParties.transferred_from), and one contact ("transfer") is logged.
    """
    require(by, Perm.START_STOP_SERVICE, doing="start or stop service")
    from_account = ServiceAccount.objects.select_related("customer", "premise").get(
        pk=from_account.pk
    )
    if to_premise.pk == from_account.premise_id:
        raise ServiceError({"premise": "Choose the premise service moves to (a different one)."})
    premises_for_update(from_account.premise, to_premise)
    repeat = _repeat_of(from_account)
    if repeat is not None:
        return repeat
    stop, start = _stop_and_start(
        from_account=from_account,
        to_premise=to_premise,
        stop_date=stop_date,
        start_date=start_date,
        forwarding=forwarding,
        customer_class=customer_class,
        is_owner=is_owner,
        owner_info=owner_info,
        by=by,
        idempotency_key=idempotency_key,
        notes=notes,
    )
    contact = contact_log(
        channel=channel,
        reason=Contact.Reason.TRANSFER,
        by=by,
        account=start.account,
        notes=f"Service moves from {from_account.premise} (account "
        f"{from_account.formatted_number}, stops {stop.stop_date:%m/%d/%Y}) to {to_premise} "
        f"(account {start.account.formatted_number}, starts {start_date:%m/%d/%Y}). "
        f"{notes}".strip(),
    )
    return TransferResult(
        stop=stop, start=dataclasses.replace(start, contact=contact), contact=contact
    )


def _repeat_of(from_account: ServiceAccount) -> TransferResult | None:
    """A repeated transfer (double submit): the first result, nothing written again."""
    earlier = (
        ServiceAccountParties.objects.filter(transferred_from=from_account)
        .select_related("account")
        .first()
    )
    if earlier is None:
        return None
    start = start_result_of(earlier.account)
    return TransferResult(
        stop=StopRequest.objects.get(account=from_account),
        start=start,
        contact=start.contact,
        repeated=True,
    )


def _stop_and_start(
    *, from_account: ServiceAccount, to_premise: Premise, stop_date, start_date, forwarding,
    customer_class, is_owner, owner_info, by, idempotency_key, notes,
) -> tuple[StopRequest, StartResult]:  # fmt: skip
    """The stop and the start, refused together: the form shows both halves' errors at once."""
    errors: dict = {}
    try:
        stop = stop_unlogged(
            account=from_account,
            stop_date=stop_date,
            reason=StopRequest.Reason.TRANSFER,
            forwarding=forwarding,
            by=by,
            notes=notes,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        start = start_unlogged(
            customer=from_account.customer,
            premise=to_premise,
            customer_class=customer_class,
            start_date=start_date,
            is_owner=is_owner,
            owner_info=owner_info,
            deposit=DepositChoice(action=DepositChoice.CARRY_OVER),
            by=by,
            idempotency_key=idempotency_key,
            paperless=from_account.paperless,
            transferred_from=from_account,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ServiceError(errors)
    return stop, start
