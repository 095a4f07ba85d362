"""Writes of customers and service accounts: one function per business action.

Each takes the acting user (`by`), validates with messages keyed by form field, locks the rows
it changes and returns the result.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Customer, CustomerFlag, ServiceAccount
from accounts.numbers import format_account_number, next_account_number
from accounts.selectors import active_account_at, likely_duplicates
from district.attribution import acting_user, refuse_unknown_fields
from district.errors import ServiceError
from district.phones import format_phone, normalise_phone
from district.transitions import check_transition, transition
from field_ops.models import Premise

MAILING_FIELDS = ("mailing_line1", "mailing_line2", "mailing_city", "mailing_state", "mailing_zip")
CUSTOMER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "business_name",
    "phone",
    "alternate_phone",
    "email",
    *MAILING_FIELDS,
    "language",
)
ACCOUNT_EDITABLE_FIELDS = (
    "customer_class",
    "billing_cycle",
    "billing_frequency",
    "is_owner",
    "paperless",
)


# -- customers


def _customer_clean_fields(fields: dict) -> dict:
    """Names and addresses trimmed, phones as 10 digits, email in lower case."""
    cleaned, errors = {}, {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = re.sub(r"\s+", " ", value).strip()
        if name in ("phone", "alternate_phone"):
            try:
                value = normalise_phone(value or "")
            except ValidationError as error:
                errors[name] = error.messages
                continue
        elif name == "email":
            value = (value or "").lower()
        elif name == "mailing_state":
            value = (value or "").upper()
        cleaned[name] = value
    if errors:
        raise ServiceError(errors)
    return cleaned


def _customer_validate(customer: Customer) -> None:
    errors = {}
    if customer.kind == Customer.Kind.BUSINESS:
        if not customer.business_name:
            errors["business_name"] = "Enter the business's name."
    elif not customer.last_name:
        errors["last_name"] = "Enter the customer's last name."
    if customer.email:
        try:
            validate_email(customer.email)
        except ValidationError:
            errors["email"] = "Enter an email address like name@example.com."
    if customer.phone and customer.phone == customer.alternate_phone:
        errors["alternate_phone"] = "The alternate phone is the same as the main phone."
    if errors:
        raise ServiceError(errors)
    customer.full_clean(exclude=["user", "created_by"])


def _describe(customer: Customer) -> str:
    where = customer.mailing_line1 or format_phone(customer.phone) or "no address"
    return f"{customer.display_name} (customer #{customer.pk}, {where})"


@transaction.atomic
def customer_create(*, by, confirm_duplicate: bool = False, **fields) -> Customer:
    """Record a new customer; warns (code "duplicate") when they look like one on file."""
    refuse_unknown_fields(fields, CUSTOMER_FIELDS)
    customer = Customer(**_customer_clean_fields(fields), created_by=by)
    _customer_validate(customer)
    if not confirm_duplicate:
        duplicates = likely_duplicates(
            **{name: getattr(customer, name) for name in CUSTOMER_FIELDS}
        )
        if duplicates:
            raise ServiceError(
                "This looks like a customer already on file: %(names)s. Open them to check, "
                "or confirm that this is a different customer.",
                code="duplicate",
                params={
                    "names": "; ".join(_describe(duplicate) for duplicate in duplicates),
                    "duplicates": duplicates,
                },
            )
    with acting_user(by):
        customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, **fields) -> Customer:
    """Change a customer's name, phones, email, mailing address or language."""
    refuse_unknown_fields(fields, CUSTOMER_FIELDS)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    for name, value in _customer_clean_fields(fields).items():
        setattr(customer, name, value)
    _customer_validate(customer)
    with acting_user(by):
        customer.save()
    return customer


@transaction.atomic
def customer_flag_set(*, customer: Customer, flag: str, reason: str, by) -> CustomerFlag:
    """Put a caution on a customer (cash only, do not call, ...), saying why."""
    reason = (reason or "").strip()
    errors = {}
    if flag not in CustomerFlag.Flag.values:
        errors["flag"] = "Choose a flag."
    if not reason:
        errors["reason"] = "Say why the flag is set."
    if errors:
        raise ServiceError(errors)
    # Locking the customer serialises flag changes of one customer.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    existing = (
        CustomerFlag.objects.filter(customer=customer, flag=flag, cleared_at__isnull=True)
        .select_related("set_by")
        .first()
    )
    if existing is not None:
        raise ServiceError({"flag": _already_flagged(existing)})
    customer_flag = CustomerFlag(customer=customer, flag=flag, reason=reason[:255], set_by=by)
    try:
        with transaction.atomic(), acting_user(by):
            customer_flag.save()
    except IntegrityError as error:
        if "customer_flag_active_once" in str(error):
            raise ServiceError(
                {"flag": f"This customer is already flagged {customer_flag.get_flag_display()}."}
            ) from error
        raise
    return customer_flag


def _already_flagged(existing: CustomerFlag) -> str:
    who = ""
    if existing.set_by is not None:
        who = existing.set_by.get_full_name() or existing.set_by.get_username()
    by_whom = f" by {who}" if who else ""
    when = timezone.localtime(existing.set_at)
    return (
        f"This customer is already flagged {existing.get_flag_display()} "
        f"(set{by_whom} on {when:%m/%d/%Y})."
    )


@transaction.atomic
def customer_flag_clear(*, flag: CustomerFlag, reason: str, by) -> CustomerFlag:
    """Lift a caution, saying why; the flag stays on record with who set and cleared it."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"clear_reason": "Say why the flag is cleared."})
    Customer.objects.select_for_update().filter(pk=flag.customer_id).first()
    flag = CustomerFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.cleared_at is not None:
        raise ServiceError(
            {"clear_reason": f"The {flag.get_flag_display()} flag was already cleared."}
        )
    flag.cleared_at = timezone.now()
    flag.cleared_by = by
    flag.clear_reason = reason[:255]
    with acting_user(by):
        flag.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    return flag


# -- service accounts


def _account_fields_validate(fields: dict) -> dict:
    errors = {}
    if "customer_class" in fields and (
        fields["customer_class"] not in ServiceAccount.CustomerClass.values
    ):
        errors["customer_class"] = "Choose the customer class."
    if "billing_frequency" in fields and (
        fields["billing_frequency"] not in ServiceAccount.BillingFrequency.values
    ):
        errors["billing_frequency"] = "Choose how often the account is billed."
    if "billing_cycle" in fields:
        fields["billing_cycle"] = (fields["billing_cycle"] or "").strip().upper()
        if not fields["billing_cycle"]:
            errors["billing_cycle"] = "Enter the billing cycle (e.g. M1)."
    if errors:
        raise ServiceError(errors)
    return fields


@transaction.atomic
def service_account_create(
    *,
    customer: Customer,
    premise: Premise,
    customer_class: str,
    start_date: datetime.date,
    billing_cycle: str,
    by,
    billing_frequency: str = ServiceAccount.BillingFrequency.MONTHLY,
    is_owner: bool = False,
    paperless: bool = False,
) -> ServiceAccount:
    """Open a pending account for a customer at a premise, with a new check-digit number."""
    errors = {}
    try:
        fields = _account_fields_validate(
            {
                "customer_class": customer_class,
                "billing_cycle": billing_cycle,
                "billing_frequency": billing_frequency,
            }
        )
    except ValidationError as error:
        errors = error.message_dict
    if start_date is None:
        errors["start_date"] = ["Enter the date service starts."]
    if errors:
        raise ServiceError(errors)
    account = ServiceAccount(
        number=next_account_number(),
        customer=customer,
        premise=premise,
        status=ServiceAccount.Status.PENDING,
        start_date=start_date,
        is_owner=bool(is_owner),
        paperless=bool(paperless),
        created_by=by,
        **fields,
    )
    account.full_clean(exclude=["created_by"])
    with acting_user(by):
        account.save()
    return account


@transaction.atomic
def service_account_update(*, account: ServiceAccount, by, **fields) -> ServiceAccount:
    """Change an account's class, billing cycle, frequency, owner or paperless setting."""
    refuse_unknown_fields(fields, ACCOUNT_EDITABLE_FIELDS)
    account = ServiceAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == ServiceAccount.Status.CLOSED:
        raise ServiceError("A closed account cannot be changed.")
    for name, value in _account_fields_validate(dict(fields)).items():
        setattr(account, name, value)
    account.full_clean(exclude=["created_by"])
    with acting_user(by):
        account.save(update_fields=list(fields))
    return account


def _active_elsewhere_message(account: ServiceAccount) -> str:
    other = active_account_at(account.premise, exclude_pk=account.pk)
    number = f" (#{format_account_number(other.number)})" if other else ""
    return f"This premise already has an active account{number}. Stop or transfer it first."


@transaction.atomic
def service_account_transition(
    *, account: ServiceAccount, to_status: str, by, on_date: datetime.date | None = None
) -> ServiceAccount:
    """Move an account along ServiceAccount.ALLOWED_TRANSITIONS; final/closed set the end date."""
    account = (
        ServiceAccount.objects.select_for_update().select_related("premise").get(pk=account.pk)
    )
    if to_status not in ServiceAccount.Status.values:
        raise ServiceError({"to_status": "Choose a status."})
    check_transition(account, to_status, field="to_status")
    on_date = on_date or timezone.localdate()
    if to_status == ServiceAccount.Status.ACTIVE and active_account_at(
        account.premise, exclude_pk=account.pk
    ):
        raise ServiceError({"to_status": _active_elsewhere_message(account)})
    if to_status in (ServiceAccount.Status.FINAL, ServiceAccount.Status.CLOSED):
        if account.status == ServiceAccount.Status.PENDING:
            # Never started: a pending account closed early ends on its start date.
            on_date = max(on_date, account.start_date)
        if account.end_date is None:
            if on_date < account.start_date:
                raise ServiceError(
                    {
                        "on_date": "Service cannot end before it started "
                        f"({account.start_date:%m/%d/%Y})."
                    }
                )
            account.end_date = on_date
    transition(account, to_status, field="to_status")
    try:
        with transaction.atomic(), acting_user(by):
            account.save(update_fields=["status", "end_date"])
    except IntegrityError as error:
        if "one_active_account_per_premise" in str(error):
            raise ServiceError({"to_status": _active_elsewhere_message(account)}) from error
        raise
    return account
