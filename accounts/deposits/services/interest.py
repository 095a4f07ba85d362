"""Crediting interest on deposits held (the rules and arithmetic: accounts.deposits.interest)."""

import datetime

from django.db import transaction

from accounts.deposits import selectors
from accounts.deposits.interest import (
    InterestTerms,
    interest_due,
    interest_key,
    interest_terms,
    last_anniversary,
)
from accounts.deposits.services.locks import lock_deposit
from accounts.models import Deposit
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.services import nightly_user


def interest_post(
    deposit: Deposit, *, through: datetime.date, to_gl: str, by, terms: InterestTerms
) -> Journal | None:
    """Credit the interest earned through a day and not yet credited: debit the interest
    expense, credit `to_gl` (the customer's receivable, or refunds payable for a final
    customer). None when nothing is due. Called with the deposit locked."""
    due = interest_due(deposit, through=through, terms=terms)
    if due <= 0:
        return None
    account_id = deposit.account_id
    return journal_post(
        kind=Journal.Kind.DEPOSIT,
        memo=(
            f"Interest on the deposit at {terms.rate_percent.normalize():f}% a year "
            f"through {through:%m/%d/%Y}"
        ),
        lines=[
            Line(Purpose.DEPOSIT_INTEREST, due, service_account_id=account_id),
            Line(to_gl, -due, service_account_id=account_id),
        ],
        by=by,
        idempotency_key=interest_key(deposit, through),
        source=deposit,
    )


def deposit_interest_credit_yearly(*, today: datetime.date) -> list[int]:
    """The nightly job: where policy credits interest yearly, credit each held deposit's
    interest through its latest anniversary once. Returns the journals posted; safe to rerun."""
    terms = interest_terms()
    if not (terms.pays and terms.yearly):
        return []
    by = nightly_user()
    candidates = list(
        Deposit.objects.filter(selectors.HELD, charged_on__lte=today - datetime.timedelta(365))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    posted = []
    for deposit_id in candidates:
        with transaction.atomic():
            deposit = lock_deposit(deposit_id)
            if deposit.status != Deposit.Status.CHARGED or deposit.closed_on is not None:
                continue
            anniversary = last_anniversary(deposit.charged_on, today)
            if anniversary is None:
                continue
            journal = interest_post(
                deposit, through=anniversary, to_gl=Purpose.AR_CUSTOMERS, by=by, terms=terms
            )
            if journal is not None:
                posted.append(journal.pk)
    return posted
