"""Deposits paid in installments: the amounts, the ledger keys, and the reads billing and the
pages use (fixed query counts). The writes are in accounts.deposits.services.installments.

A deposit of N installments (2 or 3) gets N DepositInstallment rows when it is charged; the
first posts with the charge, and the account's next bills post the rest, one per bill
(billing.bill_runs: a "Deposit, installment 2 of 3" line and its own journal, debit
ar_customers / credit customer_deposits, key installment_key()). The amounts are equal but for
the cents: the first carries the rounding (100.00 in 3 is 33.34, 33.33, 33.33).
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q
from django.utils.translation import ngettext

from accounts.models import Deposit, DepositInstallment
from district.bulk import ids_in
from district.money import ZERO, format_money

Status = DepositInstallment.Status
CENT = Decimal("0.01")


def installment_key(deposit_id: int, number: int) -> str:
    """The ledger key of an installment's journal: it posts once, whichever bill carries it."""
    return f"deposit-installment:{deposit_id}:{number}"


def installment_label(number: int, of: int) -> str:
    return f"Deposit, installment {number} of {of}"


def split_amount(amount: Decimal, installments: int) -> list[Decimal]:
    """Equal installments to the cent; the first takes what rounding leaves over."""
    each = (amount / installments).quantize(CENT, rounding=ROUND_DOWN)
    return [amount - each * (installments - 1)] + [each] * (installments - 1)


def first_installment(deposit: Deposit) -> Decimal:
    """What posts when the deposit is charged: all of it, or the first of its installments."""
    if deposit.installments <= 1 or deposit.amount <= 0:
        return deposit.amount
    return split_amount(deposit.amount, deposit.installments)[0]


# -- for billing's bill runs (fixed query counts per chunk) ------------------------------------


@dataclass(frozen=True)
class InstallmentDue:
    installment_id: int
    deposit_id: int
    account_id: int
    number: int
    of: int
    amount: Decimal
    # after this one is billed, how many are left
    left_after: int

    @property
    def label(self) -> str:
        return installment_label(self.number, self.of)

    @property
    def key(self) -> str:
        return installment_key(self.deposit_id, self.number)


def next_installments(account_ids) -> dict[int, InstallmentDue]:
    """Each account's next unbilled installment (the lowest of its oldest deposit), one query."""
    rows = (
        # One array parameter for a bill run chunk's 2,000 ids, not one parameter each.
        DepositInstallment.objects.filter(account_id__in=ids_in(account_ids), status=Status.OPEN)
        .order_by("account_id", "deposit_id", "number")
        .values_list("pk", "deposit_id", "account_id", "number", "amount", "deposit__installments")
    )
    due: dict[int, InstallmentDue] = {}
    for installment_id, deposit_id, account_id, number, amount, of in rows:
        if account_id not in due:
            due[account_id] = InstallmentDue(
                installment_id, deposit_id, account_id, number, of, amount, of - number
            )
    return due


def installments_by_id(installment_ids, *, for_update: bool = False) -> dict[int, InstallmentDue]:
    """The installments named on a chunk's bill lines, locked when posting (one query)."""
    queryset = DepositInstallment.objects.filter(pk__in=list(installment_ids)).order_by("pk")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    return {
        row[0]: InstallmentDue(row[0], row[1], row[2], row[3], row[6], row[4], row[6] - row[3])
        for row in queryset.values_list(
            "pk", "deposit_id", "account_id", "number", "amount", "status", "deposit__installments"
        )
        if row[5] == Status.OPEN
    }


def installments_left(account_ids) -> dict[int, list[InstallmentDue]]:
    """The unbilled installments of each account, for the pages (one query)."""
    rows = (
        DepositInstallment.objects.filter(account_id__in=list(account_ids), status=Status.OPEN)
        .order_by("account_id", "deposit_id", "number")
        .values_list("pk", "deposit_id", "account_id", "number", "amount", "deposit__installments")
    )
    left: dict[int, list[InstallmentDue]] = {}
    for installment_id, deposit_id, account_id, number, amount, of in rows:
        left.setdefault(account_id, []).append(
            InstallmentDue(installment_id, deposit_id, account_id, number, of, amount, of - number)
        )
    return left


def installments_left_text(count: int, amount: Decimal) -> str:
    """In words: "2 deposit installments left ($66.66)"; "" when none is left."""
    if not count:
        return ""
    return ngettext(
        "%(count)s deposit installment left (%(amount)s)",
        "%(count)s deposit installments left (%(amount)s)",
        count,
    ) % {"count": count, "amount": format_money(amount)}


def installments_left_after_bill(*, account_id: int, bill_id: int | None) -> str:
    """The deposit installments still to bill after a bill, in words (one query): those open
    now and those that later bills carried."""
    later = Q(status=Status.OPEN)
    if bill_id is not None:
        later |= Q(status=Status.POSTED, bill_id__gt=bill_id)
    amounts = list(
        DepositInstallment.objects.filter(later, account_id=account_id).values_list(
            "amount", flat=True
        )
    )
    return installments_left_text(len(amounts), sum(amounts, ZERO))
