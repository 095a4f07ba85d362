"""Charging and waiving a deposit (at once or through approval), and letters of credit."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.deposits import rules, selectors
from accounts.deposits.rules import DepositQuote, months_before
from accounts.deposits.services.charging import deposit_from, post_charge
from accounts.deposits.services.checks import (
    WAIVER_KIND,
    Status,
    charged_with_key,
    check_installments,
    check_quote,
    standing_message,
)
from accounts.deposits.services.keys import charge_key, request_key, waiver_key
from accounts.deposits.services.locks import lock_account, lock_deposit
from accounts.deposits.services.status import deposit_save
from accounts.models import Customer, Deposit, LetterOfCredit, ServiceAccount
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition

# -- charge and waive --------------------------------------------------------------------------


@transaction.atomic
def deposit_charge(
    *, account: ServiceAccount, quote: DepositQuote, by, installments: int = 1,
    idempotency_key: str,
) -> Deposit:  # fmt: skip
    """Charge the quoted deposit: debit the customer's receivable, credit deposits held.

    Paid at once, the full amount posts now; in installments (2 to the guidelines' most), the
    first posts now and the account's next bills post the others (accounts.deposits.
    installments). A zero quote records the decision that none is due, with no journal.
    """
    require(by, Perm.START_STOP_SERVICE, doing="set deposits")
    key = charge_key(request_key(idempotency_key))
    account = lock_account(account)
    earlier = charged_with_key(key, quote)
    if earlier is not None:
        return earlier
    check_quote(account, quote)
    installments = check_installments(installments, quote)
    current = selectors.current_deposit(account, for_update=True)
    if current is not None:
        if (
            quote.amount == 0
            and current.status == Status.CHARGED
            and current.amount == 0
            and current.basis == quote.basis
        ):
            return current  # the same "none due" decision, asked again
        raise ServiceError(standing_message(current))
    deposit = deposit_from(
        account,
        quote,
        status=Status.CHARGED,
        installments=installments,
        charged_on=timezone.localdate(),
        created_by=by,
    )
    deposit_save(deposit, by)
    if deposit.amount > 0:
        journal = post_charge(deposit, by=by, key=key)
        deposit.charge_journal_id = journal.pk
        deposit_save(deposit, by, fields=["charge_journal_id"])
    return deposit


@transaction.atomic
def deposit_waive(
    *, account: ServiceAccount, quote: DepositQuote, by, reason: str, idempotency_key: str,
    installments: int = 1,
) -> Deposit:  # fmt: skip
    """Waive a due deposit. A CSR II or above waives at once; a CSR I's waiver goes to a
    supervisor (the deposit waits in pending approval; rejected, it is charged with
    `installments`)."""
    require(by, Perm.START_STOP_SERVICE, doing="set deposits")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError({"reason": "Say why the deposit is waived."})
    key = request_key(idempotency_key)
    account = lock_account(account)
    earlier = (
        ApprovalRequest.objects.filter(idempotency_key=waiver_key(key), kind=WAIVER_KIND)
        .values_list("target_id", flat=True)
        .first()
    )
    if earlier is not None:
        return Deposit.objects.get(pk=int(earlier))
    check_quote(account, quote)
    if quote.amount == 0:
        raise ServiceError("No deposit is due, so there is nothing to waive.")
    installments = check_installments(installments, quote)
    current = selectors.current_deposit(account, for_update=True)
    if current is not None:
        if (
            current.status == Status.WAIVED
            and current.amount == quote.amount
            and current.waiver_reason == reason[:255]
        ):
            return current  # the same immediate waiver, asked again
        raise ServiceError(standing_message(current))
    immediate = by.has_perm(Perm.ADJUST_BILLS)
    deposit = deposit_from(
        account,
        quote,
        status=Status.WAIVED if immediate else Status.PENDING_APPROVAL,
        installments=installments,
        waiver_reason=reason[:255],
        created_by=by,
    )
    deposit_save(deposit, by)
    if not immediate:
        approval_request_create(
            kind=WAIVER_KIND,
            by=by,
            reason=reason,
            amount=deposit.amount,
            payload={
                "deposit_id": deposit.pk,
                "account": account.formatted_number,
                "explanation": deposit.explanation,
                "charge_key": charge_key(key),
            },
            target=deposit,
            idempotency_key=waiver_key(key),
        )
    return deposit


@transaction.atomic
def deposit_waiver_grant(*, deposit_id: int, by) -> Deposit:
    """A supervisor approves a CSR I's waiver (the approvals app checks who may decide)."""
    deposit = lock_deposit(deposit_id)
    transition(deposit, Status.WAIVED)
    deposit_save(deposit, by, fields=["status"])
    return deposit


@transaction.atomic
def deposit_waiver_deny(*, deposit_id: int, by, charge_key: str) -> Deposit:
    """A waiver turned down (or withdrawn by its requester): the deposit is charged after all."""
    deposit = lock_deposit(deposit_id)
    transition(deposit, Status.CHARGED)
    deposit.charged_on = timezone.localdate()
    journal = post_charge(deposit, by=by, key=charge_key)
    deposit.charge_journal_id = journal.pk
    deposit_save(deposit, by, fields=["status", "charged_on", "charge_journal_id"])
    return deposit


# -- letters of credit -------------------------------------------------------------------------


@transaction.atomic
def letter_of_credit_record(
    *, customer: Customer, utility_name: str, letter_date: datetime.date, by
) -> LetterOfCredit:
    """Record a letter of good credit from another utility (CSR II or above); for a year from
    its date it waives the deposit."""
    require(by, Perm.ADJUST_BILLS, doing="record a letter of credit (CSR II or above)")
    utility_name = " ".join((utility_name or "").split())
    today = timezone.localdate()
    errors = {}
    if not utility_name:
        errors["utility_name"] = "Enter the utility that wrote the letter."
    elif len(utility_name) > 120:
        errors["utility_name"] = "The utility's name is too long (120 characters at most)."
    if not isinstance(letter_date, datetime.date):
        errors["letter_date"] = "Enter the date of the letter."
    elif letter_date > today:
        errors["letter_date"] = "The letter cannot be dated in the future."
    elif letter_date < months_before(today, rules.LETTER_VALID_MONTHS):
        errors["letter_date"] = (
            f"The letter is more than {rules.LETTER_VALID_MONTHS} months old and no longer "
            "counts; ask for a recent one."
        )
    if errors:
        raise ServiceError(errors)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    existing = LetterOfCredit.objects.filter(
        customer=customer, utility_name__iexact=utility_name, letter_date=letter_date
    ).first()
    if existing is not None:
        return existing
    letter = LetterOfCredit(
        customer=customer, utility_name=utility_name, letter_date=letter_date, recorded_by=by
    )
    with acting_user(by):
        letter.save()
    return letter
