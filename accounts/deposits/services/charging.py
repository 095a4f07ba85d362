"""A new deposit from its quote, and the journal that charges it."""

from accounts.deposits.installments import first_installment, installment_label
from accounts.deposits.rules import DepositQuote
from accounts.deposits.services.installments import installments_schedule
from accounts.models import Deposit, DepositInstallment, ServiceAccount
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post


def deposit_from(account: ServiceAccount, quote: DepositQuote, **fields) -> Deposit:
    return Deposit(
        account=account,
        guideline=quote.guideline,
        basis=quote.basis,
        amount=quote.amount,
        explanation=quote.explanation[:255],
        **fields,
    )


def post_charge(deposit: Deposit, *, by, key: str) -> Journal:
    """Charge the deposit: all of it, or its first installment (the account's next bills
    charge the others); the installments are scheduled with it."""
    account = deposit.account
    amount = first_installment(deposit)
    memo = f"Deposit charged to account {account.formatted_number}: " + (
        deposit.get_basis_display().lower()
        if amount == deposit.amount
        else installment_label(1, deposit.installments).lower()
    )
    journal = journal_post(
        kind=Journal.Kind.DEPOSIT,
        memo=memo[:255],
        lines=[
            Line(Purpose.AR_CUSTOMERS, amount, service_account_id=account.pk),
            Line(Purpose.CUSTOMER_DEPOSITS, -amount, service_account_id=account.pk),
        ],
        by=by,
        idempotency_key=key,
        source=deposit,
    )
    if not DepositInstallment.objects.filter(deposit=deposit).exists():
        installments_schedule(deposit, journal_id=journal.pk, on_date=journal.effective_date)
    return journal
