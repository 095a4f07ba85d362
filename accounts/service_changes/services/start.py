"""Starting service: the pending account, its deposit and field order, and its activation
when the order is done."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.contacts.services import contact_log
from accounts.deposits.rules import deposit_quote
from accounts.deposits.services import deposit_carry_over, deposit_charge, deposit_waive
from accounts.models import (
    Contact,
    Customer,
    Deposit,
    ServiceAccount,
    ServiceAccountParties,
)
from accounts.service_changes import selectors
from accounts.service_changes.services.checks import Status, check_service_date
from accounts.service_changes.services.locks import premises_for_update
from accounts.service_changes.services.orders import service_order_create
from accounts.service_changes.services.values import (
    CUSTOMER_CHANGE_FIELDS,
    DepositChoice,
    OwnerInfo,
    StartResult,
)
from accounts.services import (
    CUSTOMER_FIELDS,
    customer_update,
    service_account_create,
    service_account_transition,
)
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.phones import normalise_phone
from district.roles import Perm
from field_ops.models import Meter, Premise, WorkOrder
from field_ops.selectors import installed_meter

# -- start


def _check_premise_free(premise: Premise, customer: Customer, open_accounts, errors) -> None:
    """Never a second active account: the premise's holder stops (or transfers) first."""
    for account in open_accounts:
        holder = account.customer.display_name
        if account.status == Status.ACTIVE:
            if account.customer_id == customer.pk:
                errors["premise"] = (
                    f"{holder} already has service at {premise} "
                    f"(account {account.formatted_number})."
                )
            else:
                errors["premise"] = (
                    f"{premise} has active service for someone else: {holder} (account "
                    f"{account.formatted_number}). Stop their service first."
                )
            return
        if account.status == Status.PENDING:
            errors["premise"] = (
                f"A start of service is already pending at {premise} for {holder} (account "
                f"{account.formatted_number}). Finish or cancel it first."
            )
            return
        if account.status == Status.PENDING_FINAL and account.customer_id == customer.pk:
            errors["premise"] = (
                f"{holder}'s service at {premise} is stopping (account "
                f"{account.formatted_number}): cancel the stop rather than start again."
            )
            return


def _no_meter(premise: Premise) -> str:
    return f"No meter is installed at {premise}: ask the field office to set one first."


def start_refusal(*, premise: Premise, customer: Customer) -> str | None:
    """Why starting this customer's service at this premise would be refused, or None (the
    wizard asks when the premise is picked; service_start checks again under lock)."""
    errors: dict = {}
    _check_premise_free(premise, customer, selectors.open_accounts_at(premise), errors)
    if not errors and installed_meter(premise) is None:
        errors["premise"] = _no_meter(premise)
    return errors.get("premise")


def _check_owner(is_owner: bool, owner_info: OwnerInfo | None, errors: dict) -> OwnerInfo | None:
    if is_owner:
        return None
    name = " ".join(((owner_info.name if owner_info else "") or "").split())
    if not name:
        errors["owner_name"] = "Enter the owner or property manager of the premise."
        return None
    if len(name) > ServiceAccountParties._meta.get_field("owner_name").max_length:
        errors["owner_name"] = "The name is too long (120 characters at most)."
    phone = ""
    try:
        phone = normalise_phone(owner_info.phone)
    except ValidationError as error:
        errors["owner_phone"] = error.messages
    return OwnerInfo(
        name=name, phone=phone, mailing_address=(owner_info.mailing_address or "").strip()
    )


def _check_deposit_choice(choice: DepositChoice, errors: dict, *, transfer: bool) -> None:
    allowed = (
        (DepositChoice.CARRY_OVER,) if transfer else (DepositChoice.CHARGE, DepositChoice.WAIVE)
    )
    if choice.action not in allowed:
        errors["deposit_action"] = "Choose whether the deposit is charged or waived."
    elif choice.action == DepositChoice.CHARGE and choice.installments not in (1, 2, 3):
        errors["deposit_action"] = "A deposit is paid at once or in 2 or 3 installments."
    elif choice.action == DepositChoice.WAIVE and not (choice.waiver_reason or "").strip():
        errors["waiver_reason"] = "Say why the deposit is waived."


# -- the wizard's steps, checked as each is answered (service_start checks them all again)


def start_owner_check(*, is_owner: bool, owner_info: OwnerInfo | None) -> None:
    """A tenant's start names the owner or property manager of the premise."""
    errors: dict = {}
    _check_owner(is_owner, owner_info, errors)
    if errors:
        raise ServiceError(errors)


def start_details_check(*, customer_class: str, start_date: datetime.date | None) -> None:
    """The customer class is one of the district's, and the date within its window."""
    errors: dict = {}
    if customer_class not in ServiceAccount.CustomerClass.values:
        errors["customer_class"] = "Choose the customer class."
    check_service_date(start_date, field_name="start_date", what="starts", errors=errors)
    if errors:
        raise ServiceError(errors)


def start_deposit_check(choice: DepositChoice) -> None:
    """The deposit is charged (at once or in installments) or waived with a reason."""
    errors: dict = {}
    _check_deposit_choice(choice, errors, transfer=False)
    if errors:
        raise ServiceError(errors)


def _repeat_of(customer: Customer, open_accounts) -> ServiceAccount | None:
    """The same customer's pending start at the premise: a repeated request (a double submit,
    a retry after a lost response) returns it rather than starting twice."""
    return next(
        (
            account
            for account in open_accounts
            if account.status == Status.PENDING and account.customer_id == customer.pk
        ),
        None,
    )


def start_result_of(account: ServiceAccount) -> StartResult:
    return StartResult(
        account=account,
        deposit=account.deposits.order_by("-created_at", "-id").first(),
        work_order=selectors.start_order_of(account),
        contact=account.contacts.order_by("logged_at", "id").first(),
        parties=ServiceAccountParties.objects.filter(account=account).first(),
        repeated=True,
    )


def start_unlogged(
    *,
    customer: Customer,
    premise: Premise,
    customer_class: str,
    start_date: datetime.date,
    is_owner: bool,
    owner_info: OwnerInfo | None,
    deposit: DepositChoice,
    by,
    idempotency_key: str,
    paperless: bool = False,
    customer_changes: dict | None = None,
    transferred_from: ServiceAccount | None = None,
) -> StartResult:
    """The start itself, without the contact (the caller logs one for the whole visit)."""
    if not idempotency_key:
        raise ServiceError("A start of service needs an idempotency key.")
    premise = premises_for_update(premise)[premise.pk]
    open_accounts = [
        account
        for account in selectors.open_accounts_at(premise)
        if transferred_from is None or account.pk != transferred_from.pk
    ]
    if transferred_from is None:
        repeat = _repeat_of(customer, open_accounts)
        if repeat is not None:
            return start_result_of(repeat)
    owner, meter = _check_start(
        customer=customer,
        premise=premise,
        open_accounts=open_accounts,
        customer_class=customer_class,
        start_date=start_date,
        is_owner=is_owner,
        owner_info=owner_info,
        deposit=deposit,
        transfer=transferred_from is not None,
    )
    customer = _customer_changes_apply(customer, customer_changes, by=by)
    cycle, frequency = selectors.billing_schedule_for(premise)
    account = service_account_create(
        customer=customer,
        premise=premise,
        customer_class=customer_class,
        start_date=start_date,
        billing_cycle=cycle,
        billing_frequency=frequency,
        is_owner=is_owner,
        paperless=paperless,
        by=by,
    )
    return StartResult(
        account=account,
        parties=_parties_record(account, owner=owner, transferred_from=transferred_from, by=by),
        deposit=_deposit_for(
            account=account,
            customer=customer,
            premise=premise,
            meter=meter,
            choice=deposit,
            transferred_from=transferred_from,
            by=by,
            idempotency_key=idempotency_key,
        ),
        work_order=service_order_create(
            order_type=selectors.start_order_type(premise),
            premise=premise,
            on_date=start_date,
            account=account,
            by=by,
            instructions=f"Start of service for {customer.display_name}, account "
            f"{account.formatted_number}, on {start_date:%m/%d/%Y}.",
        ),
        contact=None,
    )


def _check_start(
    *, customer, premise, open_accounts, customer_class, start_date, is_owner, owner_info,
    deposit, transfer: bool,
) -> tuple[OwnerInfo | None, Meter]:  # fmt: skip
    """Every refusal of the start at once, keyed by the wizard's fields; the owner behind a
    tenant (cleaned) and the meter at the premise otherwise."""
    errors: dict = {}
    if customer_class not in ServiceAccount.CustomerClass.values:
        errors["customer_class"] = "Choose the customer class."
    check_service_date(start_date, field_name="start_date", what="starts", errors=errors)
    owner = _check_owner(is_owner, owner_info, errors)
    _check_deposit_choice(deposit, errors, transfer=transfer)
    _check_premise_free(premise, customer, open_accounts, errors)
    meter = installed_meter(premise)
    if meter is None and "premise" not in errors:
        errors["premise"] = _no_meter(premise)
    if errors:
        raise ServiceError(errors)
    return owner, meter


def _customer_changes_apply(customer: Customer, changes: dict | None, *, by) -> Customer:
    """The mailing address and language changed in the wizard (only when they differ)."""
    if not changes:
        return customer
    unknown = set(changes) - set(CUSTOMER_CHANGE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown customer fields: {sorted(unknown)}")
    current = {name: getattr(customer, name) for name in CUSTOMER_FIELDS}
    if any(current[name] != value for name, value in changes.items()):
        return customer_update(customer=customer, by=by, **changes)
    return customer


def _parties_record(
    account: ServiceAccount, *, owner: OwnerInfo | None, transferred_from, by
) -> ServiceAccountParties | None:
    """The owner behind a tenant, and the account a transfer continues (none for an owner's
    own new service)."""
    if owner is None and transferred_from is None:
        return None
    parties = ServiceAccountParties(
        account=account,
        owner_name=owner.name if owner else account.customer.display_name[:120],
        owner_phone=owner.phone if owner else "",
        owner_mailing_address=owner.mailing_address if owner else "",
        transferred_from=transferred_from,
    )
    with acting_user(by):
        parties.save()
    return parties


def _deposit_for(
    *, account, customer, premise, meter, choice, transferred_from, by, idempotency_key
) -> Deposit:
    if choice.action == DepositChoice.CARRY_OVER:
        return deposit_carry_over(from_account=transferred_from, to_account=account, by=by)
    quote = deposit_quote(
        customer=customer,
        premise=premise,
        customer_class=account.customer_class,
        meter_size=meter.size,
        is_owner=account.is_owner,
        on_date=account.start_date,
    )
    key = f"service-start:{idempotency_key}:deposit"
    if choice.action == DepositChoice.WAIVE:
        return deposit_waive(
            account=account,
            quote=quote,
            by=by,
            reason=choice.waiver_reason.strip(),
            idempotency_key=key,
        )
    return deposit_charge(
        account=account,
        quote=quote,
        by=by,
        installments=choice.installments,
        idempotency_key=key,
    )


def _start_notes(result: StartResult) -> str:
    account, order = result.account, result.work_order
    return (
        f"Service to start {account.start_date:%m/%d/%Y} at {account.premise} "
        f"(account {account.formatted_number}); {order} ordered."
    )


@transaction.atomic
def service_start(
    *, by, channel: str = Contact.Channel.COUNTER, notes: str = "", **terms
) -> StartResult:
    """Start service for a customer at a premise, all in one transaction.

    `terms` are start_unlogged's: customer, premise, customer_class, start_date, is_owner,
    owner_info, deposit, idempotency_key, and optionally paperless and customer_changes.
    Opens the pending account, records the owner behind a tenant, charges or waives the
    deposit, orders a turn-on (water off) or a start read (water on, see
    selectors.water_is_off), and logs the contact. Refused when the premise has active service
    or a pending start for anyone; a repeat of a start still pending returns the first.
    """
    require(by, Perm.START_STOP_SERVICE, doing="start or stop service")
    if "transferred_from" in terms:
        raise TypeError("A transfer of service starts with service_transfer.")
    result = start_unlogged(by=by, **terms)
    if result.repeated:
        return result
    contact = contact_log(
        channel=channel,
        reason=Contact.Reason.START,
        by=by,
        account=result.account,
        notes=" ".join(part for part in (_start_notes(result), (notes or "").strip()) if part),
    )
    return dataclasses.replace(result, contact=contact)


# -- completion of the start order


def start_order_completed(work_order: WorkOrder, completion: dict, by) -> None:
    """Turn-on or start read done: the pending account it was ordered for becomes active.

    The read the technician took (completion["meter_read_id"], recorded by field_ops) is the
    account's first read: billing reads it from the meter's reads from the start date on, so
    nothing more is linked. Orders for no account, or for an account no longer pending (a
    cancelled start, a repeated completion), change nothing.
    """
    if work_order.service_account_id is None:
        return
    account = (
        ServiceAccount.objects.select_for_update().filter(pk=work_order.service_account_id).first()
    )
    if account is None or account.status != Status.PENDING:
        return
    service_account_transition(
        account=account, to_status=Status.ACTIVE, by=by, on_date=account.start_date
    )
