"""Putting a deposit charged at once on installments after the start of service: the customer
at the counter cannot pay it all now, and the guidelines allow installments."""

from django.db import transaction

from accounts.deposits.installments import first_installment
from accounts.deposits.services.checks import check_held
from accounts.deposits.services.installments import installments_schedule
from accounts.deposits.services.locks import lock_deposit
from accounts.deposits.services.status import deposit_save
from accounts.models import Deposit, DepositInstallment
from district.errors import ServiceError, require
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post
from district.money import format_money
from district.roles import Perm


def spread_key(deposit_id: int) -> str:
    # One spreading per deposit: its installments are set once.
    return f"deposit-spread:{deposit_id}"


@transaction.atomic
def deposit_installments_set(*, deposit_id: int, installments: int, by) -> Deposit:
    """Bill a deposit charged at once in `installments` (2 to the guidelines' most) instead:
    the part beyond the first installment goes back from the receivable to "not charged yet"
    (debit customer deposits held, credit the receivable) and the account's next bills charge
    it, one installment a bill. Refused once any of the deposit has been paid."""
    require(by, Perm.START_STOP_SERVICE, doing="set deposits")
    deposit = lock_deposit(deposit_id)
    check_held(deposit)
    if deposit.installments > 1 or DepositInstallment.objects.filter(deposit=deposit).exists():
        if deposit.installments == installments:
            return deposit  # the same request again
        raise ServiceError(
            f"This deposit is already billed in {deposit.installments} installments."
        )
    most = deposit.guideline.max_installments
    if isinstance(installments, bool) or not isinstance(installments, int):
        raise ServiceError({"installments": "Choose the number of installments."})
    if most < 2:
        raise ServiceError("The deposit guidelines ask for the deposit at once.")
    if not 2 <= installments <= most:
        raise ServiceError({"installments": f"Choose 2 to {most} installments."})
    if account_balance(deposit.account_id) < deposit.amount:
        raise ServiceError(
            f"Part of the {format_money(deposit.amount)} deposit is paid already: it stays "
            "charged at once."
        )
    deposit.installments = installments
    later = deposit.amount - first_installment(deposit)
    account = deposit.account
    journal_post(
        kind=Journal.Kind.DEPOSIT,
        memo=(
            f"Deposit of account {account.formatted_number} put on {installments} installments: "
            f"{format_money(later)} is charged by the next bills"
        )[:255],
        lines=[
            Line(Purpose.CUSTOMER_DEPOSITS, later, service_account_id=account.pk),
            Line(Purpose.AR_CUSTOMERS, -later, service_account_id=account.pk),
        ],
        by=by,
        idempotency_key=spread_key(deposit.pk),
        source=deposit,
    )
    deposit_save(deposit, by, fields=["installments"])
    installments_schedule(deposit, journal_id=deposit.charge_journal_id, on_date=deposit.charged_on)
    return deposit
