"""Where a held deposit goes: carried to a new account on a transfer, applied to the final
bill, credited to the account or refunded to the customer."""

from django.db import transaction
from django.utils import timezone

from accounts.deposits import selectors
from accounts.deposits.interest import interest_terms
from accounts.deposits.services.checks import (
    CREDITABLE,
    REFUNDABLE,
    TAKES_DEPOSITS,
    AccountStatus,
    Status,
    check_held,
    refund_limit,
    standing_message,
)
from accounts.deposits.services.installments import (
    open_installments_cancel,
    open_installments_move,
    posted_amount,
)
from accounts.deposits.services.interest import interest_post
from accounts.deposits.services.keys import settle_key
from accounts.deposits.services.locks import lock_deposit
from accounts.deposits.services.status import deposit_save
from accounts.models import Deposit, ServiceAccount
from district.errors import ServiceError, require
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import format_money
from district.roles import Perm
from district.transitions import check_transition, transition

# -- transfer, final bill, refund --------------------------------------------------------------


def _carried_explanation(from_account: ServiceAccount, old: Deposit) -> str:
    return f"Carried over from account {from_account.formatted_number}: {old.explanation}"[:255]


@transaction.atomic
def deposit_carry_over(
    *, from_account: ServiceAccount, to_account: ServiceAccount, by
) -> Deposit | None:
    """Move the deposit held on an account to the same customer's new account (a transfer of
    service); None when the old account holds none.

    Posts a "transfer" journal moving the liability's tag from the old account to the new one
    and records the new account's Deposit (basis transferred, charged on the original date, so
    the refund clock keeps running). The old deposit is closed (closed_on), its status stays
    charged: the model has no "transferred" status, and carried_to says where it went.
    """
    from_account, to_account = _accounts_for_update(from_account, to_account)
    already = (
        Deposit.objects.filter(carried_from__account=from_account, account=to_account)
        .select_related("carried_from")
        .first()
    )
    if already is not None:
        return already
    old = _deposit_to_carry(from_account, to_account)
    if old is None:
        return None
    # A deposit in installments moves what was charged; the unbilled ones go along.
    moved = posted_amount(old)
    _check_books_hold(from_account, moved, then="before moving it")
    new = Deposit(
        account=to_account,
        guideline=old.guideline,
        basis=Deposit.Basis.TRANSFERRED,
        amount=old.amount,
        explanation=_carried_explanation(from_account, old),
        status=Status.CHARGED,
        # Billed on the old account already, but for installments not billed yet (they move).
        installments=old.installments if moved < old.amount else 1,
        charged_on=old.charged_on,
        carried_from=old,
        created_by=by,
    )
    deposit_save(new, by)
    open_installments_move(old=old, new=new)
    journal = journal_post(
        kind=Journal.Kind.TRANSFER,
        memo=f"Deposit carried from account {from_account.formatted_number} "
        f"to {to_account.formatted_number}",
        lines=[
            Line(Purpose.CUSTOMER_DEPOSITS, moved, service_account_id=from_account.pk),
            Line(Purpose.CUSTOMER_DEPOSITS, -moved, service_account_id=to_account.pk),
        ],
        by=by,
        idempotency_key=settle_key(old),
        source=new,
    )
    new.charge_journal_id = journal.pk
    deposit_save(new, by, fields=["charge_journal_id"])
    old.closed_on = timezone.localdate()
    old.settle_journal_id = journal.pk
    deposit_save(old, by, fields=["closed_on", "settle_journal_id"])
    return new


def _accounts_for_update(
    from_account: ServiceAccount, to_account: ServiceAccount
) -> tuple[ServiceAccount, ServiceAccount]:
    """Both accounts locked in primary-key order; they must be the same customer's."""
    if from_account.pk == to_account.pk:
        raise ServiceError("Choose two different accounts.")
    locked = {
        account.pk: account
        for account in ServiceAccount.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk__in=[from_account.pk, to_account.pk])
        .order_by("pk")
    }
    from_account, to_account = locked[from_account.pk], locked[to_account.pk]
    if from_account.customer_id != to_account.customer_id:
        raise ServiceError("A deposit moves only between the same customer's accounts.")
    return from_account, to_account


def _deposit_to_carry(from_account: ServiceAccount, to_account: ServiceAccount) -> Deposit | None:
    """The old account's held deposit (locked), once nothing stands in the way of moving it."""
    pending = selectors.current_deposit(from_account, for_update=True)
    if pending is not None and pending.status == Status.PENDING_APPROVAL:
        raise ServiceError(
            "The old account's deposit waiver is waiting for a decision; decide it first."
        )
    old = selectors.held_deposit(from_account, for_update=True)
    if old is None:
        return None
    current = selectors.current_deposit(to_account, for_update=True)
    if current is not None:
        raise ServiceError(f"The new account: {standing_message(current)}")
    if to_account.status not in TAKES_DEPOSITS:
        raise ServiceError(
            f"The new account is {to_account.get_status_display().lower()}; "
            "a deposit moves only to new or active service."
        )
    return old


def _check_books_hold(account: ServiceAccount, amount, *, then: str = "") -> None:
    """The ledger holds at least `amount` in deposits for the account (else finance looks)."""
    held = selectors.deposit_held(account.pk)
    if held < amount:
        raise ServiceError(
            f"The books hold {format_money(held)} of this {format_money(amount)} deposit; "
            f"ask finance to check the account{' ' + then if then else ''}."
        )


def settle(deposit: Deposit, *, to_status: str, by, kind: str, memo: str, other_gl: str) -> Deposit:
    """Take the deposit out of deposits held: debit the liability, credit `other_gl`, after
    crediting there any interest the district's policy pays on it.

    A deposit in installments settles what was charged of it; the unbilled installments are
    cancelled (never billed)."""
    account = deposit.account
    amount = posted_amount(deposit)
    _check_books_hold(account, amount)
    open_installments_cancel(deposit)
    # Interest the policy pays goes where the deposit goes, in its own journal just before.
    interest_post(
        deposit, through=timezone.localdate(), to_gl=other_gl, by=by, terms=interest_terms()
    )
    journal = journal_post(
        kind=kind,
        memo=memo[:255],
        lines=[
            Line(Purpose.CUSTOMER_DEPOSITS, amount, service_account_id=account.pk),
            Line(other_gl, -amount, service_account_id=account.pk),
        ],
        by=by,
        idempotency_key=settle_key(deposit),
        source=deposit,
    )
    transition(deposit, to_status)
    deposit.closed_on = timezone.localdate()
    deposit.settle_journal_id = journal.pk
    deposit_save(deposit, by, fields=["status", "closed_on", "settle_journal_id"])
    return deposit


@transaction.atomic
def deposit_apply_to_final_bill(*, deposit: Deposit, by) -> Deposit:
    """Apply the held deposit to the account's final bill (for billing's final-bill step):
    debit deposits held, credit the customer's receivable. Asked again, returns the result."""
    deposit = lock_deposit(deposit.pk)
    if deposit.status == Status.APPLIED:
        return deposit
    check_held(deposit)
    check_transition(deposit, Status.APPLIED)
    account = deposit.account
    if account.status not in {AccountStatus.PENDING_FINAL, AccountStatus.FINAL}:
        raise ServiceError(
            f"A deposit is applied to the final bill; this account is "
            f"{account.get_status_display().lower()}."
        )
    return settle(
        deposit,
        to_status=Status.APPLIED,
        by=by,
        kind=Journal.Kind.DEPOSIT,
        memo=f"Deposit applied to the final bill of account {account.formatted_number}",
        other_gl=Purpose.AR_CUSTOMERS,
    )


@transaction.atomic
def deposit_refund(*, deposit: Deposit, by, to: str = "credit") -> Deposit:
    """Return a held deposit: "credit" to an open account's balance, or "refund" (payable to
    the customer) when the account is final. Over the refund-approval threshold only an
    approver may do it (the approval of a deposit_refund request). Asked again, returns it."""
    if to not in {"credit", "refund"}:
        raise ServiceError("Choose to credit the account or refund the customer.")
    target = Status.CREDITED if to == "credit" else Status.REFUNDED
    deposit = lock_deposit(deposit.pk)
    if deposit.status == target:
        return deposit
    check_held(deposit)
    check_transition(deposit, target)
    limit = refund_limit()
    if deposit.amount > limit:
        require(
            by,
            Perm.APPROVE_REQUESTS,
            doing=f"return a deposit over {format_money(limit)}: it needs a supervisor's approval",
        )
    account = deposit.account
    number = account.formatted_number
    if to == "credit":
        if account.status not in CREDITABLE:
            raise ServiceError(
                f"The account is {account.get_status_display().lower()}: refund the deposit "
                "to the customer instead of crediting it."
            )
        return settle(
            deposit,
            to_status=target,
            by=by,
            kind=Journal.Kind.REFUND,
            memo=f"Deposit credited to account {number}",
            other_gl=Purpose.AR_CUSTOMERS,
        )
    if account.status not in REFUNDABLE:
        raise ServiceError(
            "Only a final account's deposit is refunded to the customer; credit it to the "
            "account instead."
        )
    return settle(
        deposit,
        to_status=target,
        by=by,
        kind=Journal.Kind.REFUND,
        memo=f"Deposit refunded: account {number} is final",
        other_gl=Purpose.REFUNDS_PAYABLE,
    )


def refund_destination(account: ServiceAccount) -> str:
    """How a deposit is returned: refunded when the account is final, else credited."""
    return "refund" if account.status in REFUNDABLE else "credit"
