"""Refunds of an account's credit balance: a CSR asks, a supervisor approves, the credit moves to
refunds payable (accounts payable cuts the check from the refund register).

Deposits to refund (accounts.deposits) and the credit left on a final bill (billing's
final-bill step, kind "credit_refund") have their own requests and postings; this covers the
rest: an overpayment on an active or final account the customer wants back.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import ServiceAccount
from accounts.service_changes.services import service_close_if_settled
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.ledger.models import AccountBalance, Journal
from district.ledger.selectors import RECEIVABLE_PURPOSE, account_balance
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money, parse_money

REFUND_KIND = "credit-balance-refund"
# billing.final_bills' kind for a final account's credit (filed by the final-bill step).
FINAL_CREDIT_KIND = "credit_refund"
REFUNDS_PAYABLE = "refunds_payable"
REFUNDABLE_STATUSES = (ServiceAccount.Status.ACTIVE, ServiceAccount.Status.FINAL)


def refund_journal_key(request_id: int) -> str:
    return f"credit-balance-refund:{request_id}"


def mailing_address(account: ServiceAccount) -> list[str]:
    """Where the refund check goes: the customer's mailing address, else the forwarding
    address of a stopped service, else the service address."""
    customer = account.customer
    if customer.mailing_line1:
        lines = [customer.mailing_line1, customer.mailing_line2]
        city = f"{customer.mailing_city}, {customer.mailing_state} {customer.mailing_zip}"
        return [line for line in lines if line] + [city.strip(", ")]
    stop = getattr(account, "stop", None)
    if stop is not None and stop.forwarding_line1:
        lines = [stop.forwarding_line1, stop.forwarding_line2]
        city = f"{stop.forwarding_city}, {stop.forwarding_state} {stop.forwarding_zip}"
        return [line for line in lines if line] + [city]
    premise = account.premise
    return [premise.address_line, f"{premise.city}, {premise.state} {premise.zip_code}"]


def _pending(account_id: int):
    return ApprovalRequest.objects.filter(
        kind__in=[REFUND_KIND, FINAL_CREDIT_KIND],
        status=ApprovalRequest.Status.PENDING,
        payload__account_id=account_id,
    )


def refund_request(
    *, account_id: int, amount, reason: str, by, idempotency_key: str = ""
) -> ApprovalRequest:
    """Ask a supervisor to refund (part of) an active or final account's credit balance."""
    try:
        amount = parse_money(amount)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from None
    if amount <= 0:
        raise ValidationError({"amount": "Enter an amount above $0.00."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the customer is being refunded."})
    with transaction.atomic(), acting_user(by):
        account = (
            ServiceAccount.objects.select_for_update(of=("self",))
            .select_related("customer", "premise", "stop")
            .filter(pk=account_id)
            .first()
        )
        if account is None:
            raise ValidationError("That account does not exist.")
        if account.status not in REFUNDABLE_STATUSES:
            raise ValidationError(
                f"Account {account.formatted_number} is "
                f"{account.get_status_display().lower()}: only an active or final account's "
                "credit is refunded."
            )
        key = (idempotency_key or "").strip()[:100]
        if key:
            existing = ApprovalRequest.objects.filter(
                idempotency_key=f"{REFUND_KIND}:{key}"
            ).first()
            if existing is not None:
                return existing
        pending = _pending(account.pk).first()
        if pending is not None:
            raise ValidationError(
                f"A refund of {format_money(pending.amount or ZERO)} for this account is already "
                "waiting for approval; have it decided first."
            )
        credit = -account_balance(account.pk)
        if amount > credit:
            raise ValidationError(
                {
                    "amount": f"The account's credit is {format_money(max(credit, ZERO))}: "
                    f"a refund of {format_money(amount)} is more than that."
                }
            )
        payee = account.customer.display_name
        return approval_request_create(
            kind=REFUND_KIND,
            by=by,
            reason=reason,
            amount=amount,
            payload={
                "account_id": account.pk,
                "account": account.formatted_number,
                "payee": payee,
                "address": mailing_address(account),
            },
            target=account,
            idempotency_key=f"{REFUND_KIND}:{key}" if key else None,
        )


def refund_approve(request: ApprovalRequest, by) -> dict:
    """Approved (inside the decision's transaction): re-check the credit under the balance's
    lock and move it to refunds payable; a final account left at zero is closed."""
    account_id = int(request.payload["account_id"])
    account = ServiceAccount.objects.select_for_update().get(pk=account_id)
    AccountBalance.objects.select_for_update().filter(service_account_id=account_id).first()
    amount: Decimal = request.amount
    credit = -account_balance(account_id)
    if credit < amount:
        raise ValidationError(
            f"The account's credit is now {format_money(max(credit, ZERO))}, less than the "
            f"{format_money(amount)} asked: reject this request and ask again."
        )
    payee = request.payload.get("payee", "")
    journal = journal_post(
        kind=Journal.Kind.REFUND,
        memo=f"Refund of the credit balance of account {account.formatted_number} to {payee}"[:255],
        # Both lines carry the account, so the refund register finds whose refund it is.
        lines=[
            Line(RECEIVABLE_PURPOSE, amount, account_id, memo="Credit balance refunded"),
            Line(REFUNDS_PAYABLE, -amount, account_id, memo=f"Refund payable to {payee}"[:255]),
        ],
        by=by,
        idempotency_key=refund_journal_key(request.pk),
        source=account,
    )
    if account.status == ServiceAccount.Status.FINAL:
        service_close_if_settled(account=account, by=by)
    return {"journal_id": journal.pk, "amount": str(amount)}


def refund_describe(request: ApprovalRequest) -> str:
    payload = request.payload
    address = "; ".join(payload.get("address") or [])
    return (
        f"Refund {format_money(request.amount or ZERO)} of the credit balance of account "
        f"{payload.get('account', '')} to {payload.get('payee', '')}"
        f"{f', {address}' if address else ''}."
    )
