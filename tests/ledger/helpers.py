"""Posting helpers for the ledger tests (bills and payments on a service account)."""

import itertools
from datetime import date
from decimal import Decimal

from district.ledger.models import Journal
from district.ledger.services import Line, journal_post

_keys = itertools.count(1)


def new_key() -> str:
    return f"test-{next(_keys)}"


def post_bill(account_id: int, amount: str, on: date, *, key: str | None = None) -> Journal:
    """A bill: debit the customer's receivable, credit water sales."""
    return journal_post(
        kind=Journal.Kind.BILL,
        memo=f"Bill {on}",
        lines=[
            Line("ar_customers", Decimal(amount), service_account_id=account_id),
            Line("water_sales_volumetric", -Decimal(amount)),
        ],
        by=None,
        idempotency_key=key or new_key(),
        effective_date=on,
    )


def post_payment(account_id: int, amount: str, on: date, *, key: str | None = None) -> Journal:
    """A payment: debit cash, credit the customer's receivable."""
    return journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Payment {on}",
        lines=[
            Line("cash_in_bank", Decimal(amount)),
            Line("ar_customers", -Decimal(amount), service_account_id=account_id),
        ],
        by=None,
        idempotency_key=key or new_key(),
        effective_date=on,
    )
