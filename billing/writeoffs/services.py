"""Write-offs: propose, post (within the limit, or on another supervisor's approval), reject, and
recover when the customer pays later.

Who may do what:
- a supervisor (APPROVE_REQUESTS) posts a write-off up to the `write-off-limit` policy at once;
  above it the write-off waits for another supervisor (approval kind "write-off");
- the CSR lead proposes: the write-off waits for a supervisor. The roles have no write-off
  permission of their own; the lead is told apart by holding both ADJUST_BILLS and VIEW_REPORTS
  (CSR II has no reports, Finance no adjustments);
- nobody approves their own (the approvals service and a check constraint refuse it).

Posting: one journal of kind "write_off", debit write-offs (bad debt), credit the account's
receivable, key "write-off:<id>". The amount is checked against the balance under the balance
row's lock, and one live write-off per account is a unique constraint, so a balance is never
written off twice nor for more than it is.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from accounts.service_changes.services import service_close_if_settled
from billing.writeoffs.models import WriteOff, WriteOffRecovery
from billing.writeoffs.selectors import ENDED, LIMIT_POLICY, last_bill
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.errors import NotPermitted, ServiceError, require
from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post
from district.money import format_money, parse_money
from district.policies import policy_value
from district.roles import Perm
from district.transitions import transition

WRITE_OFF_KIND = "write-off"
# Who may ask for a write-off (see the module docstring); posting needs APPROVE_REQUESTS too.
PROPOSE_PERMISSIONS = (Perm.ADJUST_BILLS, Perm.VIEW_REPORTS)
Status = WriteOff.Status


def write_off_journal_key(write_off: WriteOff) -> str:
    return f"write-off:{write_off.pk}"


def recovery_journal_key(write_off_id: int, payment_journal_id: int) -> str:
    return f"write-off-recovery:{write_off_id}:{payment_journal_id}"


def can_propose(user) -> bool:
    return all(user.has_perm(permission) for permission in PROPOSE_PERMISSIONS)


def posts_at_once(*, by, amount: Decimal) -> bool:
    """A supervisor's write-off within the limit posts at once; anything else waits."""
    return by.has_perm(Perm.APPROVE_REQUESTS) and amount <= policy_value(LIMIT_POLICY)


def _locked_account(account_id: int) -> ServiceAccount:
    """The account and its balance row, locked (a payment posting now waits for us)."""
    account = (
        ServiceAccount.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        raise ServiceError("That account does not exist.")
    AccountBalance.objects.select_for_update().filter(service_account_id=account_id).first()
    return account


def _check_amount(account: ServiceAccount, amount: Decimal) -> Decimal:
    """The rules of the amount against the balance (read under the balance row's lock)."""
    balance = account_balance(account.pk)
    if balance <= 0:
        raise ServiceError(
            f"Account {account.formatted_number} owes nothing "
            f"(its balance is {format_money(balance)}): there is nothing to write off."
        )
    if amount > balance:
        raise ServiceError(
            {
                "amount": f"The account owes {format_money(balance)}: a write-off of "
                f"{format_money(amount)} is more than that."
            }
        )
    return balance


def _clean(amount, reason) -> tuple[Decimal, str]:
    if amount is None or str(amount).strip() == "":
        raise ServiceError({"amount": "Enter the amount to write off."})
    try:
        amount = parse_money(amount)
    except ValidationError as error:
        raise ServiceError({"amount": error.messages}) from None
    if amount <= 0:
        raise ServiceError({"amount": "Enter an amount above $0.00."})
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the balance cannot be collected."})
    if len(reason) > 255:
        raise ServiceError({"reason": "Keep the reason under 255 characters."})
    return amount, reason


def _post(write_off: WriteOff, *, by) -> WriteOff:
    """Post the journal of a saved write-off whose account and balance are locked."""
    _check_amount(write_off.account, write_off.amount)
    account = write_off.account
    journal = journal_post(
        kind=Journal.Kind.WRITE_OFF,
        memo=f"Write-off {write_off.pk} of account {account.formatted_number}: {write_off.reason}"[
            :255
        ],
        lines=[
            Line(Purpose.WRITE_OFFS, write_off.amount, account.pk, memo="Bad debt written off"),
            Line(Purpose.AR_CUSTOMERS, -write_off.amount, account.pk, memo="Written off"),
        ],
        by=by,
        idempotency_key=write_off_journal_key(write_off),
        source=write_off,
    )
    transition(write_off, Status.POSTED, verb="posted")
    write_off.journal_id = journal.pk
    write_off.posted_at = timezone.now()
    write_off.save(update_fields=["status", "journal_id", "posted_at", "approved_by"])
    # A final account left owing nothing is settled: close it, as a payment would.
    service_close_if_settled(account=account, by=by)
    return write_off


def writeoff_post(*, account, amount, by, reason: str) -> WriteOff:
    """Write off (part of) an ended account's balance.

    A supervisor within the `write-off-limit` policy posts at once; a supervisor above it, or
    a CSR lead at any amount, files a "write-off" request for a supervisor (not themselves).
    Returns the write-off, posted, or proposed / pending approval.
    """
    require(by, *PROPOSE_PERMISSIONS, doing="propose write-offs")
    amount, reason = _clean(amount, reason)
    with transaction.atomic(), acting_user(by):
        account = _locked_account(getattr(account, "pk", account))
        if account.status not in ENDED:
            raise ServiceError(
                f"Account {account.formatted_number} is "
                f"{account.get_status_display().lower()}: only the balance of an ended (final "
                "or closed) account is written off."
            )
        balance = _check_amount(account, amount)
        supervisor = by.has_perm(Perm.APPROVE_REQUESTS)
        at_once = posts_at_once(by=by, amount=amount)
        if at_once:
            status = Status.PROPOSED  # moved to posted by _post, through the transition map
        else:
            status = Status.PENDING_APPROVAL if supervisor else Status.PROPOSED
        write_off = WriteOff(
            account=account,
            amount=amount,
            reason=reason,
            status=status,
            balance_at_request=balance,
            final_bill=last_bill(account.pk),
            requested_by=by,
        )
        try:
            with transaction.atomic():
                write_off.save()
        except IntegrityError:
            raise ServiceError(
                f"Account {account.formatted_number} already has a write-off (proposed, "
                "waiting for approval or posted): a balance is written off once."
            ) from None
        if at_once:
            return _post(write_off, by=by)
        request = approval_request_create(
            kind=WRITE_OFF_KIND,
            by=by,
            reason=reason,
            amount=amount,
            payload={
                "write_off_id": write_off.pk,
                "account_id": account.pk,
                "account": account.formatted_number,
                "customer": account.customer.display_name,
                "balance": str(balance),
            },
            target=write_off,
            idempotency_key=f"write-off-approval:{write_off.pk}",
        )
        write_off.approval_request_id = request.pk
        write_off.save(update_fields=["approval_request_id"])
        return write_off


def _waiting_for(request: ApprovalRequest, *, to: str) -> WriteOff:
    write_off_id = (request.payload or {}).get("write_off_id")
    write_off = (
        WriteOff.objects.select_for_update(of=("self",))
        .select_related("account__customer")
        .filter(pk=write_off_id, approval_request_id=request.pk)
        .first()
    )
    if write_off is None:
        raise ServiceError("The write-off of this request no longer exists.")
    if not write_off.can_move_to(to):
        raise ServiceError(f"The write-off is already {write_off.get_status_display().lower()}.")
    return write_off


def writeoff_approve(request: ApprovalRequest, by) -> dict:
    """Approval handler (inside the decision's transaction): re-check the balance under its
    lock and post. The approvals service has refused the requester and non-supervisors."""
    if not by.has_perm(Perm.APPROVE_REQUESTS):
        raise NotPermitted("Your role does not allow you to approve write-offs.")
    account_id = (request.payload or {}).get("account_id")
    _locked_account(account_id)
    write_off = _waiting_for(request, to=Status.POSTED)
    if write_off.requested_by_id == by.pk:
        raise ServiceError("You cannot approve your own write-off.")
    write_off.approved_by = by
    write_off = _post(write_off, by=by)
    return {"write_off_id": write_off.pk, "journal_id": write_off.journal_id}


def writeoff_reject(request: ApprovalRequest, by) -> None:
    """Rejection (or withdrawal) handler: the write-off is rejected and the balance released
    (it may be proposed again); nothing posts."""
    write_off = _waiting_for(request, to=Status.REJECTED)
    transition(write_off, Status.REJECTED, verb="rejected")
    write_off.save(update_fields=["status"])


def writeoff_describe(request: ApprovalRequest) -> str:
    payload = request.payload or {}
    balance = payload.get("balance")
    owed = f", owing {format_money(Decimal(balance))}" if balance else ""
    return (
        f"Write-off {payload.get('write_off_id')} of account {payload.get('account', '')} "
        f"({payload.get('customer', '')}{owed})"
    )


# -- recovery when the customer pays later --------------------------------------------------------


def _payments_received(account_id: int, *, after_journal_id: int) -> list[tuple[int, Decimal]]:
    """[(payment journal id, amount received on the account)] of the payment journals posted
    after a journal, oldest first; a returned payment (a debit) receives nothing."""
    received: dict[int, Decimal] = defaultdict(Decimal)
    lines = JournalLine.objects.filter(
        service_account_id=account_id,
        journal_id__gt=after_journal_id,
        journal__kind=Journal.Kind.PAYMENT,
        gl_account__purpose=Purpose.AR_CUSTOMERS,
    ).values_list("journal_id", "amount")
    for journal_id, amount in lines:
        received[journal_id] -= amount
    return [(journal_id, amount) for journal_id, amount in sorted(received.items()) if amount > 0]


def _recover(write_off: WriteOff, *, by) -> list[WriteOffRecovery]:
    """Recover a locked, posted write-off from the payments received since it posted."""
    account_id = write_off.account_id
    already = defaultdict(Decimal)  # what each payment already recovered (any write-off)
    for journal_id, amount in WriteOffRecovery.objects.filter(
        write_off__account_id=account_id
    ).values_list("payment_journal_id", "amount"):
        already[journal_id] += amount
    done = set(write_off.recoveries.values_list("payment_journal_id", flat=True))
    made = []
    for payment_journal_id, received in _payments_received(
        account_id, after_journal_id=write_off.journal_id
    ):
        outstanding = write_off.amount - write_off.recovered_amount
        if outstanding <= 0:
            break
        if payment_journal_id in done:
            continue
        amount = min(received - already[payment_journal_id], outstanding)
        if amount <= 0:
            continue
        journal = journal_post(
            kind=Journal.Kind.WRITE_OFF,
            memo=f"Bad-debt recovery of write-off {write_off.pk}: paid by J{payment_journal_id}",
            lines=[
                Line(Purpose.AR_CUSTOMERS, amount, account_id, memo="Written-off balance restored"),
                Line(Purpose.WRITE_OFFS, -amount, account_id, memo="Bad debt recovered"),
            ],
            by=by,
            idempotency_key=recovery_journal_key(write_off.pk, payment_journal_id),
            source=write_off,
        )
        made.append(
            WriteOffRecovery.objects.create(
                write_off=write_off,
                payment_journal_id=payment_journal_id,
                amount=amount,
                journal_id=journal.pk,
                created_by=by,
            )
        )
        already[payment_journal_id] += amount
        write_off.recovered_amount += amount
    if made:
        fields = ["recovered_amount"]
        if write_off.recovered_amount == write_off.amount:
            transition(write_off, Status.REVERSED, verb="recovered in full")
            fields.append("status")
        write_off.save(update_fields=fields)
    return made


def writeoffs_recover(account_ids, *, by) -> list[WriteOffRecovery]:
    """Recover posted write-offs of these accounts from payments received after them.

    For each payment journal since a write-off: debit the receivable, credit write-offs, for
    min(what the payment received, what is written off and not yet recovered), so the payment
    pays the restored receivable. Key "write-off-recovery:<write-off>:<payment journal>", and
    one WriteOffRecovery per write-off and payment: running it again posts nothing.

    Called after a payment posts (by the payment's poster; no permission of its own: it only
    books what the permitted payment paid), and nightly for every posted write-off.
    """
    ids = sorted({int(account_id) for account_id in account_ids})
    if not ids:
        return []
    # One cheap query for the usual case: the accounts paid have no posted write-off.
    candidates = list(
        WriteOff.objects.filter(account_id__in=ids, status=Status.POSTED)
        .order_by("account_id")
        .values_list("account_id", flat=True)
        .distinct()
    )
    made: list[WriteOffRecovery] = []
    for account_id in candidates:
        with transaction.atomic(), acting_user(by):
            AccountBalance.objects.select_for_update().filter(service_account_id=account_id).first()
            for write_off in (
                WriteOff.objects.select_for_update()
                .filter(account_id=account_id, status=Status.POSTED)
                .order_by("id")
            ):
                made.extend(_recover(write_off, by=by))
    return made
