"""Writes of deposits paid in installments (the rules and reads: accounts.deposits.installments)."""

import datetime
from decimal import Decimal

from django.db.models import Sum

from accounts.deposits.installments import split_amount
from accounts.models import Deposit, DepositInstallment
from district.money import ZERO

Status = DepositInstallment.Status


def installments_schedule(deposit: Deposit, *, journal_id: int, on_date: datetime.date) -> None:
    """Record the installments of a deposit just charged; the first posted by `journal_id`."""
    if deposit.installments <= 1 or deposit.amount <= 0:
        return
    DepositInstallment.objects.bulk_create(
        [
            DepositInstallment(
                deposit=deposit,
                account_id=deposit.account_id,
                number=number,
                amount=amount,
                status=Status.POSTED if number == 1 else Status.OPEN,
                journal_id=journal_id if number == 1 else None,
                posted_on=on_date if number == 1 else None,
            )
            for number, amount in enumerate(
                split_amount(deposit.amount, deposit.installments), start=1
            )
        ]
    )


def unbilled(deposit: Deposit) -> Decimal:
    """The part of the deposit not billed yet (its open installments)."""
    total = DepositInstallment.objects.filter(deposit=deposit, status=Status.OPEN).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def posted_amount(deposit: Deposit) -> Decimal:
    """What of the deposit has been charged to the customer so far (held when paid)."""
    return deposit.amount - unbilled(deposit)


def open_installments_cancel(deposit: Deposit) -> int:
    """The deposit is settled before its installments were all billed: bill no more of it."""
    return DepositInstallment.objects.filter(deposit=deposit, status=Status.OPEN).update(
        status=Status.CANCELLED
    )


def open_installments_move(*, old: Deposit, new: Deposit) -> int:
    """A deposit carried to a new account takes its unbilled installments along."""
    return DepositInstallment.objects.filter(deposit=old, status=Status.OPEN).update(
        deposit=new, account=new.account
    )


def installments_mark_posted(posted: list[tuple[int, int, int]], *, on_date) -> None:
    """(installment id, journal id, bill id) of installments a bill run just posted (one query
    whatever their number)."""
    if not posted:
        return
    journal_by_id = {installment_id: journal_id for installment_id, journal_id, _ in posted}
    bill_by_id = {installment_id: bill_id for installment_id, _, bill_id in posted}
    rows = list(DepositInstallment.objects.filter(pk__in=journal_by_id).order_by("pk"))
    for row in rows:
        row.status = Status.POSTED
        row.journal_id = journal_by_id[row.pk]
        row.bill_id = bill_by_id[row.pk]
        row.posted_on = on_date
    DepositInstallment.objects.bulk_update(rows, ["status", "journal_id", "bill_id", "posted_on"])
