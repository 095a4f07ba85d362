"""The permit's money: its fee (revenue) and its deposit (held), charged to the contractor's
account when the permit is approved, and undone when an approved permit is cancelled.

The fee credits "hydrant water sales": it is the rental program's revenue, kept with the water
the program sells so the program's income reads from one GL account (the turn-on fee account is
the metered services' own). The deposit is an accounts.Deposit charged through the deposits
services, so it sits in "customer deposits held" like any deposit and is settled (applied,
credited, refunded) by the same services when the meter comes back.
"""

from django.utils import timezone

from accounts.deposits import selectors as deposit_selectors
from accounts.deposits.rules import DepositQuote, guideline_in_force
from accounts.deposits.services import deposit_charge, deposit_refund
from accounts.deposits.services.keys import charge_key
from accounts.models import Deposit
from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post, journal_reverse
from district.money import format_money
from hydrants.models import HydrantPermit

FEE_PURPOSE = Purpose.HYDRANT_WATER


def fee_key(permit: HydrantPermit) -> str:
    return f"hydrant-permit-fee:{permit.pk}"


def deposit_request_key(permit: HydrantPermit) -> str:
    return f"hydrant-permit-deposit:{permit.pk}"


def _post_fee(permit: HydrantPermit, by) -> Journal | None:
    if permit.permit_fee <= 0:
        return None
    account = permit.account
    return journal_post(
        kind=Journal.Kind.FEE,
        memo=f"Hydrant permit {permit.number} fee, account {account.formatted_number}"[:255],
        lines=[
            Line(Purpose.AR_CUSTOMERS, permit.permit_fee, service_account_id=account.pk),
            Line(FEE_PURPOSE, -permit.permit_fee, service_account_id=account.pk),
        ],
        by=by,
        idempotency_key=fee_key(permit),
        source=permit,
    )


def _carried_deposit(permit: HydrantPermit) -> Deposit | None:
    """A renewal keeps the deposit its first permit still holds."""
    previous = permit.renewal_of
    if previous is None or previous.deposit_id is None:
        return None
    deposit = previous.deposit
    if deposit.status == Deposit.Status.CHARGED and deposit.amount >= permit.deposit_amount:
        return deposit
    return None


def _standing_deposit_covers(permit: HydrantPermit) -> Deposit | None:
    """A deposit the account already holds (set when it was opened) that no other open permit
    uses and that covers this meter: it secures the meter, and nothing new is charged."""
    current = deposit_selectors.current_deposit(permit.account, for_update=True)
    if current is None:
        return None
    in_use = (
        HydrantPermit.objects.filter(deposit=current, status__in=HydrantPermit.OPEN_STATUSES)
        .exclude(pk=permit.pk)
        .exists()
    )
    covers = current.status == Deposit.Status.CHARGED and current.amount >= permit.deposit_amount
    if covers and not in_use:
        return current
    raise ServiceError(
        f"Account {permit.account.formatted_number} already has a deposit decision "
        f"({current.explanation}) that does not secure this meter's "
        f"{format_money(permit.deposit_amount)} deposit: open a separate temporary account "
        "for this permit."
    )


def _charge_deposit(permit: HydrantPermit, by) -> Deposit:
    deposit = _carried_deposit(permit) or _standing_deposit_covers(permit)
    if deposit is not None:
        return deposit
    today = timezone.localdate()
    quote = DepositQuote(
        amount=permit.deposit_amount,
        basis=Deposit.Basis.CLASS_AND_SIZE,
        explanation=(
            f"Hydrant meter deposit, {permit.get_meter_size_display()} meter, "
            f"permit {permit.number}"
        )[:255],
        guideline=guideline_in_force(today),
    )
    return deposit_charge(
        account=permit.account,
        quote=quote,
        by=by,
        idempotency_key=deposit_request_key(permit),
    )


def permit_charges_post(permit: HydrantPermit, by) -> HydrantPermit:
    """Charge the permit's fee and deposit to the contractor's account (inside the approval's
    transaction, the permit locked); posted once whatever the retries."""
    journal = _post_fee(permit, by)
    permit.fee_journal_id = journal.pk if journal is not None else permit.fee_journal_id
    permit.deposit = _charge_deposit(permit, by)
    with acting_user(by):
        permit.save(update_fields=["fee_journal_id", "deposit"])
    return permit


def permit_charges_undo(permit: HydrantPermit, by, *, reason: str) -> None:
    """An approved permit cancelled before its meter left: reverse the fee and credit the
    deposit back to the account (a deposit carried from an earlier permit stays held)."""
    if permit.fee_journal_id is not None:
        journal_reverse(
            journal=Journal.objects.get(pk=permit.fee_journal_id),
            by=by,
            reason=f"hydrant permit {permit.number} cancelled: {reason}"[:200],
            idempotency_key=f"hydrant-permit-fee-reversal:{permit.pk}",
        )
    deposit = permit.deposit
    if deposit is None or deposit.status != Deposit.Status.CHARGED or deposit.amount <= 0:
        return
    # Only the deposit this permit charged: one the account held before stays with it.
    charged_here = Journal.objects.filter(
        pk=deposit.charge_journal_id, idempotency_key=charge_key(deposit_request_key(permit))
    ).exists()
    if charged_here:
        deposit_refund(deposit=deposit, by=by, to="credit")
