"""Deposit builders: the quote the guidelines give an account, a quote of a set amount, and a
deposit charged through accounts' own service."""

import uuid
from decimal import Decimal

from django.utils import timezone

from accounts.deposits import rules
from accounts.deposits import services as deposit_services
from accounts.deposits.rules import DepositQuote, deposit_quote
from accounts.models import Deposit


def table_quote(account, *, on_date=None, is_owner=False) -> DepositQuote:
    """The deposit the guidelines ask of the account's customer (a 5/8 in. meter at its premise)."""
    return deposit_quote(
        customer=account.customer,
        premise=account.premise,
        customer_class=account.customer_class,
        meter_size="5/8",
        is_owner=is_owner,
        on_date=on_date or timezone.localdate(),
    )


def set_quote(amount="100.00", *, on_date=None) -> DepositQuote:
    """A class-and-size quote of that amount under the guideline in force."""
    guideline = rules.guideline_in_force(on_date or timezone.localdate())
    return DepositQuote(Decimal(amount), Deposit.Basis.CLASS_AND_SIZE, "Table", guideline)


def charged_deposit(account, by, *, quote=None, installments=1) -> Deposit:
    """The deposit charged on the account (the table's quote unless one is given)."""
    return deposit_services.deposit_charge(
        account=account,
        quote=quote or table_quote(account),
        by=by,
        installments=installments,
        idempotency_key=uuid.uuid4().hex,
    )
