"""The nightly proposals: deposits held for the refund period with good payment history are
returned at once up to the refund-approval threshold, through approval above it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from accounts.deposits import rules, selectors
from accounts.deposits.rules import months_before
from accounts.deposits.services.checks import REFUND_KIND, AccountStatus, Status, refund_limit
from accounts.deposits.services.keys import refund_request_key
from accounts.deposits.services.locks import lock_deposit
from accounts.deposits.services.settlement import deposit_refund, refund_destination
from accounts.models import Deposit, DepositGuideline, ServiceAccount
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.money import ZERO
from district.services import nightly_user

# -- the nightly refund proposals --------------------------------------------------------------


@dataclass(frozen=True)
class RefundProposal:
    deposit_id: int
    action: str  # "credited", "refunded", "approval_requested" or "error"
    amount: Decimal
    journal_id: int | None = None
    approval_request_id: int | None = None
    note: str = ""


def _refund_candidate_ids(today: datetime.date) -> list[int]:
    """Deposits held for their guidelines' refund period, not yet proposed (one query,
    plus one for the few guideline versions)."""
    held_long_enough = Q(pk__in=[])
    for guideline_id, months in DepositGuideline.objects.values_list("pk", "refund_after_months"):
        held_long_enough |= Q(
            guideline_id=guideline_id, charged_on__lte=months_before(today, months)
        )
    proposed = ApprovalRequest.objects.filter(
        idempotency_key=Concat(
            Value("deposit-refund:"), Cast(OuterRef("pk"), output_field=CharField())
        )
    )
    return list(
        Deposit.objects.filter(selectors.HELD, held_long_enough)
        # Pending final: billing applies the deposit to the final bill instead.
        .exclude(account__status=AccountStatus.PENDING_FINAL)
        .exclude(Exists(proposed))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _propose_refund(
    deposit_id: int, *, today: datetime.date, by, limit: Decimal
) -> RefundProposal | None:
    deposit = lock_deposit(deposit_id)
    if (
        deposit.status != Status.CHARGED
        or deposit.closed_on is not None
        or deposit.amount <= 0
        or ApprovalRequest.objects.filter(idempotency_key=refund_request_key(deposit.pk)).exists()
    ):
        return None
    account = ServiceAccount.objects.select_related("customer").get(pk=deposit.account_id)
    history = rules.payment_history(account.customer, guideline=deposit.guideline, on_date=today)
    if not history.good:
        return None
    to = refund_destination(account)
    if deposit.amount <= limit:
        deposit = deposit_refund(deposit=deposit, by=by, to=to)
        return RefundProposal(
            deposit.pk,
            "credited" if to == "credit" else "refunded",
            deposit.amount,
            journal_id=deposit.settle_journal_id,
        )
    verb = "credit it to" if to == "credit" else "refund it (final) for"
    request = approval_request_create(
        kind=REFUND_KIND,
        by=by or nightly_user(),
        reason=f"Deposit held since {deposit.charged_on:%m/%d/%Y} with good payment history: "
        f"{verb} account {account.formatted_number}.",
        amount=deposit.amount,
        payload={
            "deposit_id": deposit.pk,
            "account": account.formatted_number,
            "to": to,
            "since": deposit.charged_on,
        },
        target=deposit,
        idempotency_key=refund_request_key(deposit.pk),
    )
    return RefundProposal(
        deposit.pk, "approval_requested", deposit.amount, approval_request_id=request.pk
    )


def deposit_refunds_propose(*, today: datetime.date, by=None) -> list[RefundProposal]:
    """Propose returning deposits held for the refund period whose customer has good history:
    at or under the refund-approval threshold done at once, over it filed for approval.

    Each deposit is its own transaction (one failure does not undo the night's other work);
    a deposit already proposed is never proposed again, so running twice proposes once.
    """
    limit = refund_limit()
    proposals = []
    for deposit_id in _refund_candidate_ids(today):
        try:
            with transaction.atomic(), acting_user(by):
                proposal = _propose_refund(deposit_id, today=today, by=by, limit=limit)
        except ValidationError as error:
            proposal = RefundProposal(deposit_id, "error", ZERO, note=" ".join(error.messages))
        if proposal is not None:
            proposals.append(proposal)
    return proposals


@transaction.atomic
def deposit_refund_approved(*, deposit_id: int, by) -> Deposit:
    """Carry out an approved deposit_refund request, returned the way the account now needs."""
    deposit = lock_deposit(deposit_id)
    return deposit_refund(deposit=deposit, by=by, to=refund_destination(deposit.account))
