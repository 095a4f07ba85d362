"""Closing a returned permit's money: its meters' bills net against the deposit it holds.

The deposit (an accounts Deposit, held in customer deposits) is applied to the contractor's
account by the accounts app's own paths: deposit_apply_to_final_bill when the account is
pending final or final, else deposit_refund(to="credit"), which credits it against the
account's receivable (both debit customer deposits, credit ar_customers; accounts' rule holds:
over the "refund-approval-threshold" policy only an approver returns a deposit). What the
deposit leaves as a credit (up to the deposit itself) is then filed as a refund through
billing's refund approval path (credit_refund_request: a supervisor approves, the approval
posts ar_customers / refunds payable); what it does not cover stays billed on the account
(the excess, balance_due). A refund larger than the deposit held is refused.
"""

from decimal import Decimal

from django.db import transaction

from accounts.deposits.selectors import HELD, deposit_held
from accounts.deposits.services import deposit_apply_to_final_bill, deposit_refund
from accounts.models import Deposit, ServiceAccount
from billing.refunds.services import credit_refund_request
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.ledger.selectors import account_balance
from district.money import ZERO, format_money, parse_money
from district.roles import Perm
from district.transitions import check_transition, transition
from hydrants.models import HydrantBill, HydrantPermit, HydrantSettlement

FINAL_STATUSES = {ServiceAccount.Status.PENDING_FINAL, ServiceAccount.Status.FINAL}


def settlement_key(permit_id: int) -> str:
    return f"hydrant-settlement:{permit_id}"


def held_deposit_of(permit: HydrantPermit) -> Deposit | None:
    """The permit's deposit while the district holds it (charged, not settled nor carried)."""
    if permit.deposit_id is None:
        return None
    return Deposit.objects.filter(HELD, pk=permit.deposit_id).first()


def check_refund_within_deposit(amount: Decimal, held: Decimal) -> None:
    if amount > held:
        raise ServiceError(
            {
                "refund_amount": f"The deposit held is {format_money(held)}: a refund of "
                f"{format_money(amount)} is more than that."
            }
        )


def _check_ready(permit: HydrantPermit) -> None:
    check_transition(permit, HydrantPermit.Status.CLOSED, verb="settled")
    for issue in permit.issues.select_related("meter"):
        if issue.is_open:
            raise ServiceError(f"Meter {issue.meter.serial} is still out on this permit.")
        if not issue.bills.exclude(kind=HydrantBill.Kind.MONTHLY).exists():
            raise ServiceError(
                f"Make the final bill of meter {issue.meter.serial} before settling the permit."
            )
    renewal = HydrantPermit.objects.filter(renewal_of=permit).first()
    if renewal is not None and renewal.status in HydrantPermit.OPEN_STATUSES:
        raise ServiceError(
            f"The deposit carries to the renewal, {renewal}: it is settled when that one closes."
        )


@transaction.atomic
def hydrant_settle(*, permit_id: int, by, refund_amount=None) -> HydrantSettlement:
    """Net the permit's bills against its deposit, close the permit; returns the settlement
    (asked again, the first one). `refund_amount` (optional) refunds less than the credit the
    deposit leaves; more than the deposit held is refused."""
    require(by, Perm.HYDRANT_RENTALS, doing="settle hydrant permits")
    permit = (
        HydrantPermit.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(pk=permit_id)
        .first()
    )
    if permit is None:
        raise ServiceError("That permit does not exist.")
    existing = HydrantSettlement.objects.filter(permit=permit).first()
    if existing is not None:
        return existing
    _check_ready(permit)
    account = ServiceAccount.objects.select_for_update().get(pk=permit.account_id)
    deposit = held_deposit_of(permit)
    held = deposit.amount if deposit is not None else ZERO
    if refund_amount not in (None, ""):
        try:
            refund_amount = parse_money(refund_amount)
        except Exception:
            raise ServiceError({"refund_amount": "Enter an amount in dollars and cents."}) from None
        if refund_amount < 0:
            raise ServiceError({"refund_amount": "Enter an amount of zero or more."})
        check_refund_within_deposit(refund_amount, held)
    if deposit is not None and deposit_held(account.pk) < held:
        raise ServiceError(
            f"The books hold {format_money(deposit_held(account.pk))} of this permit's "
            f"{format_money(held)} deposit: ask finance to check the account."
        )
    balance_before = account_balance(account.pk)
    with acting_user(by):
        if deposit is not None:
            if account.status in FINAL_STATUSES:
                deposit_apply_to_final_bill(deposit=deposit, by=by)
            else:
                deposit_refund(deposit=deposit, by=by, to="credit")
        balance_after = account_balance(account.pk)
        credit = max(-balance_after, ZERO)
        refundable = min(credit, held)
        refund = refundable if refund_amount in (None, "") else min(refund_amount, refundable)
        request = None
        if refund > 0:
            request = credit_refund_request(
                account_id=account.pk,
                amount=refund,
                reason=(
                    f"Hydrant permit {permit.number} closed: the {format_money(held)} deposit "
                    f"less the permit's charges leaves {format_money(refundable)} to refund."
                ),
                by=by,
                idempotency_key=settlement_key(permit.pk),
            )
        settlement = HydrantSettlement.objects.create(
            permit=permit,
            balance_before=balance_before,
            deposit_applied=held,
            refund_amount=refund,
            balance_due=max(balance_after, ZERO),
            refund_request=request,
            settled_by=by,
        )
        transition(permit, HydrantPermit.Status.CLOSED, verb="settled")
        permit.save(update_fields=["status"])
    return settlement
