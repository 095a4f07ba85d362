"""The rules a permit is checked against, with their messages (reads only: nothing writes).

The amounts and limits are district policies (hydrants/reference_data.py), read when used.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accounts.deposits.rules import months_after
from accounts.models import ServiceAccount
from district.errors import ServiceError
from district.ledger.selectors import account_balance
from district.money import format_money
from district.policies import policy_value, policy_values
from field_ops.models import Meter
from hydrants.models import Hydrant, HydrantPermit
from hydrants.reference_data import DROUGHT_STAGE, FIRE_REVIEW, deposit_key, fee_key

MAX_PERMIT_MONTHS = 12
# A contractor's account takes a permit while it is being opened or is open.
PERMIT_ACCOUNT_STATUSES = {ServiceAccount.Status.PENDING, ServiceAccount.Status.ACTIVE}


@dataclass(frozen=True)
class SizeCharges:
    permit_fee: Decimal
    deposit: Decimal


def size_charges(meter_size: str) -> SizeCharges:
    """The permit fee and deposit for a meter size, from the "hydrant-*-<size>" policies."""
    label = Meter.Size(meter_size).label if meter_size in Meter.Size.values else meter_size
    try:
        values = policy_values(fee_key(meter_size), deposit_key(meter_size))
    except LookupError:
        raise ServiceError(
            {
                "meter_size": f"The district does not lend {label} hydrant meters (no permit "
                "fee and deposit are set for that size)."
            }
        ) from None
    return SizeCharges(values[fee_key(meter_size)], values[deposit_key(meter_size)])


def latest_end(starts_on: datetime.date) -> datetime.date:
    """The last day a permit starting on `starts_on` may run: 12 months, to the day before."""
    return months_after(starts_on, MAX_PERMIT_MONTHS) - datetime.timedelta(days=1)


def check_account(account: ServiceAccount) -> None:
    if account.customer_class != ServiceAccount.CustomerClass.TEMPORARY:
        raise ServiceError(
            {
                "account": f"Account {account.formatted_number} is "
                f"{account.get_customer_class_display().lower()}: hydrant permits go on a "
                "contractor's temporary (hydrant) account."
            }
        )
    if account.status not in PERMIT_ACCOUNT_STATUSES:
        raise ServiceError(
            {
                "account": f"Account {account.formatted_number} is "
                f"{account.get_status_display().lower()}: open a temporary account first."
            }
        )


def check_hydrant(hydrant: Hydrant) -> None:
    if not hydrant.active:
        raise ServiceError({"hydrant": f"{hydrant} is out of use: choose another hydrant."})
    stage = policy_value(DROUGHT_STAGE)
    if hydrant.restricted_at(stage):
        raise ServiceError(
            {
                "hydrant": f"{hydrant} may not be used from drought stage "
                f"{hydrant.restricted_from_drought_stage}, and stage {stage} is in effect: "
                "choose an unrestricted hydrant."
            }
        )


def check_dates(starts_on, ends_on, *, today: datetime.date, earliest=None) -> None:
    errors = {}
    earliest = earliest or today
    if starts_on is None:
        errors["starts_on"] = "Enter the day the permit starts."
    elif starts_on < earliest:
        errors["starts_on"] = f"The permit cannot start before {earliest:%m/%d/%Y}."
    if ends_on is None:
        errors["ends_on"] = "Enter the day the permit ends."
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The permit must end on or after its start date."
    elif starts_on is not None and ends_on > latest_end(starts_on):
        errors["ends_on"] = (
            f"A permit runs at most {MAX_PERMIT_MONTHS} months: this one may end on "
            f"{latest_end(starts_on):%m/%d/%Y} at the latest. Renew it for longer work."
        )
    if errors:
        raise ServiceError(errors)


def check_insurance(*, certificate, carrier: str, policy_number: str, expires_on, ends_on) -> None:
    """A certificate on file, its carrier and policy, and cover until the permit ends."""
    errors = {}
    if not certificate:
        errors["insurance_certificate"] = "Attach the contractor's insurance certificate."
    if not carrier:
        errors["insurance_carrier"] = "Enter the insurance carrier."
    if not policy_number:
        errors["insurance_policy_number"] = "Enter the insurance policy number."
    if expires_on is None:
        errors["insurance_expires_on"] = "Enter the day the insurance expires."
    elif ends_on is not None and expires_on < ends_on:
        errors["insurance_expires_on"] = (
            f"The insurance expires on {expires_on:%m/%d/%Y}, before the permit ends on "
            f"{ends_on:%m/%d/%Y}: ask for a certificate that covers the whole permit."
        )
    if errors:
        raise ServiceError(errors)


def fire_review_needed(hydrant: Hydrant, asked: bool) -> bool:
    """The fire department signs off when the CSR asks, the hydrant requires it, or the
    district's policy has it review every permit."""
    return bool(asked or hydrant.fire_department_required or policy_value(FIRE_REVIEW))


def amount_owed(permit: HydrantPermit) -> Decimal:
    """What the contractor's account still owes (0 when nothing is owed)."""
    return max(account_balance(permit.account_id), Decimal("0.00"))


def check_paid(permit: HydrantPermit) -> None:
    """The fee and deposit are paid: both were charged, and the account owes nothing.

    The contractor's temporary account carries only this rental's charges, and the counter's
    payments reduce its one balance: a balance of $0.00 or less (a credit) means every charge
    on it, the fee and deposit included, is paid. A partial payment leaves a balance, and the
    meter waits.
    """
    if permit.fee_journal_id is None or permit.deposit_id is None:
        raise ServiceError(
            f"{permit}'s fee and deposit are charged when it is approved; it is "
            f"{permit.get_status_display().lower()}."
        )
    owed = amount_owed(permit)
    if owed > 0:
        raise ServiceError(
            f"The permit fee and deposit are not paid: account "
            f"{permit.account.formatted_number} owes {format_money(owed)}. Take the payment "
            "at the counter first."
        )
