"""Refunds of an account's credit: one request, one approval, one posting (see kinds.py).

A request asks a supervisor to move (part of) the credit to refunds payable; accounts payable
then cuts the check from the refund register. Approving re-checks the credit under the
balance's lock, posts debit AR / credit refunds payable, and closes a final account left at
zero. Deposits are refunded by accounts.deposits, not here.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import ServiceAccount
from accounts.service_changes.services import service_close_if_settled
from billing.refunds.kinds import (
    REFUND_KIND,
    REFUNDABLE_STATUSES,
    REQUEST_KINDS,
    Origin,
    origin_of,
    refund_journal_key,
)
from billing.refunds.selectors import mailing_address, pending_refunds
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.customer_notes import CREDIT_REFUNDED
from district.errors import ServiceError, require
from district.ledger.models import AccountBalance, Journal
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money, parse_money
from district.roles import Perm
from district.services import nightly_user

REQUEST_PERMISSION = Perm.ADJUST_BILLS


def final_credit_request_key(account_id: int) -> str:
    return f"final-credit-refund:{account_id}"


def _check_refundable(account: ServiceAccount, amount: Decimal) -> None:
    """The rules every request keeps, whoever asks (the account and its balance are locked)."""
    if account.status not in REFUNDABLE_STATUSES:
        raise ServiceError(
            f"Account {account.formatted_number} is "
            f"{account.get_status_display().lower()}: only an active or final account's "
            "credit is refunded."
        )
    if amount <= 0:
        raise ServiceError({"amount": "Enter an amount above $0.00."})
    credit = -account_balance(account.pk)
    if amount > credit:
        raise ServiceError(
            {
                "amount": f"The account's credit is {format_money(max(credit, ZERO))}: "
                f"a refund of {format_money(amount)} is more than that."
            }
        )


def _locked_account(account_id: int) -> ServiceAccount:
    account = (
        ServiceAccount.objects.select_for_update(of=("self",))
        .select_related("customer", "premise", "stop")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        raise ServiceError("That account does not exist.")
    AccountBalance.objects.select_for_update().filter(service_account_id=account_id).first()
    return account


def _file(
    account: ServiceAccount, *, amount: Decimal, reason: str, by, origin: Origin, key: str | None
) -> ApprovalRequest:
    return approval_request_create(
        kind=REFUND_KIND,
        by=by,
        reason=reason,
        amount=amount,
        payload={
            "account_id": account.pk,
            "account": account.formatted_number,
            "payee": account.customer.display_name,
            "address": mailing_address(account),
            "origin": origin.value,
        },
        target=account,
        idempotency_key=key,
    )


def credit_refund_request(
    *, account_id: int, amount, reason: str, by, idempotency_key: str = ""
) -> ApprovalRequest:
    """The counter's request: refund (part of) an active or final account's credit balance.

    One request waits per account at a time; a repeated key returns the first request.
    """
    require(by, REQUEST_PERMISSION, doing="ask for a refund")
    if amount is None or str(amount).strip() == "":
        raise ServiceError({"amount": "Enter the amount to refund."})
    try:
        amount = parse_money(amount)
    except ValidationError as error:
        raise ServiceError({"amount": error.messages}) from None
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the customer is being refunded."})
    key = (idempotency_key or "").strip()[:100]
    with transaction.atomic(), acting_user(by):
        account = _locked_account(account_id)
        if key:
            existing = ApprovalRequest.objects.filter(idempotency_key=f"{REFUND_KIND}:{key}")
            if (found := existing.first()) is not None:
                return found
        pending = pending_refunds(account.pk).first()
        if pending is not None:
            raise ServiceError(
                f"A refund of {format_money(pending.amount or ZERO)} for this account is already "
                "waiting for approval; have it decided first."
            )
        _check_refundable(account, amount)
        return _file(
            account,
            amount=amount,
            reason=reason,
            by=by,
            origin=Origin.COUNTER,
            key=f"{REFUND_KIND}:{key}" if key else None,
        )


def final_credit_refund_request(*, account: ServiceAccount, amount: Decimal, by) -> ApprovalRequest:
    """The final-bill step's request: the credit its final bill and deposit left (once per
    account; asked again, returns the first request of either kind)."""
    key = final_credit_request_key(account.pk)
    existing = ApprovalRequest.objects.filter(idempotency_key=key, kind__in=REQUEST_KINDS).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        # No "one waiting at a time" rule here: the nightly step must not leave an account
        # pending final over a counter request; approving re-checks the credit either way.
        account = _locked_account(account.pk)
        _check_refundable(account, amount)
        return _file(
            account,
            amount=amount,
            reason=(
                f"Account {account.formatted_number} is final with a credit of "
                f"{format_money(amount)}: refund it to the customer."
            ),
            by=by or nightly_user(),
            origin=Origin.FINAL_BILL,
            key=key,
        )


def _refund_lines(origin: Origin, *, account_id: int, amount: Decimal, payee: str) -> list[Line]:
    """The journal's lines, as each origin has always posted them: the counter's both carry the
    account and a memo; the final bill's tag only the receivable (the register finds the
    account through the journal)."""
    if origin == Origin.FINAL_BILL:
        return [
            Line(Purpose.AR_CUSTOMERS, amount, account_id),
            Line(Purpose.REFUNDS_PAYABLE, -amount),
        ]
    return [
        Line(Purpose.AR_CUSTOMERS, amount, account_id, memo=CREDIT_REFUNDED.text()),
        Line(Purpose.REFUNDS_PAYABLE, -amount, account_id, memo=f"Refund payable to {payee}"[:255]),
    ]


def _refund_memo(origin: Origin, *, account: ServiceAccount, payee: str) -> str:
    if origin == Origin.FINAL_BILL:
        return f"Refund of the final credit of account {account.formatted_number}"
    return f"Refund of the credit balance of account {account.formatted_number} to {payee}"[:255]


def credit_refund_approve(request: ApprovalRequest, by) -> dict:
    """Approval handler of both kinds (inside the decision's transaction): re-check the credit
    under the balance's lock, move it to refunds payable, close a final account left at zero."""
    origin = origin_of(request)
    account_id = int(request.payload["account_id"])
    account = ServiceAccount.objects.select_for_update().get(pk=account_id)
    AccountBalance.objects.select_for_update().filter(service_account_id=account_id).first()
    amount: Decimal = request.amount
    credit = -account_balance(account_id)
    if credit < amount:
        raise ServiceError(
            f"The account's credit is now {format_money(max(credit, ZERO))}, less than the "
            f"{format_money(amount)} asked: reject this request and ask again."
        )
    payee = request.payload.get("payee", "")
    journal = journal_post(
        kind=Journal.Kind.REFUND,
        memo=_refund_memo(origin, account=account, payee=payee),
        lines=_refund_lines(origin, account_id=account_id, amount=amount, payee=payee),
        by=by,
        idempotency_key=refund_journal_key(origin, request.pk),
        source=account,
    )
    service_close_if_settled(account=account, by=by)
    return {"journal_id": journal.pk, "amount": str(amount)}


def credit_refund_describe(request: ApprovalRequest) -> str:
    payload = request.payload or {}
    amount = format_money(request.amount or ZERO)
    address = "; ".join(payload.get("address") or [])
    to = (
        f" to {payload['payee']}{f', {address}' if address else ''}" if payload.get("payee") else ""
    )
    if origin_of(request) == Origin.FINAL_BILL:
        return (
            f"Refund {amount} of credit left on final account {payload.get('account', '')} "
            f"after its final bill and deposit{to}."
        )
    return f"Refund {amount} of the credit balance of account {payload.get('account', '')}{to}."
