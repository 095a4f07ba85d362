"""What the start, stop and transfer services take and return, and the checks and locks
they share."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import (
    Contact,
    Deposit,
    ServiceAccount,
    ServiceAccountParties,
    StopRequest,
)
from accounts.service_changes import selectors
from district.roles import Perm
from field_ops.models import Premise, WorkOrder
from field_ops.work_orders import work_order_create

Status = ServiceAccount.Status
ZIP = re.compile(r"^\d{5}(-?\d{4})?$")
# Customer fields a start may update (step 4 of the wizard: mailing address and language).
CUSTOMER_CHANGE_FIELDS = (
    "mailing_line1",
    "mailing_line2",
    "mailing_city",
    "mailing_state",
    "mailing_zip",
    "language",
)


# -- what the callers pass and get back


@dataclass(frozen=True)
class OwnerInfo:
    """The owner or property manager behind a tenant's account."""

    name: str
    phone: str = ""
    mailing_address: str = ""


@dataclass(frozen=True)
class DepositChoice:
    """What to do with the deposit the guidelines ask: charge it (in 1-3 installments), waive
    it with a reason (CSR I: the waiver goes to approval), or carry the old one over."""

    CHARGE = "charge"
    WAIVE = "waive"
    CARRY_OVER = "carry_over"

    action: str = CHARGE
    installments: int = 1
    waiver_reason: str = ""


@dataclass(frozen=True)
class ForwardingAddress:
    """Where the final bill goes."""

    line1: str
    city: str
    zip_code: str
    line2: str = ""
    state: str = "CA"


@dataclass(frozen=True)
class StartResult:
    account: ServiceAccount
    deposit: Deposit | None
    work_order: WorkOrder
    contact: Contact | None
    parties: ServiceAccountParties | None = None
    repeated: bool = False  # a repeated request: the first start, nothing new written

    @property
    def turns_water_on(self) -> bool:
        return self.work_order.order_type == WorkOrder.Type.TURN_ON


@dataclass(frozen=True)
class TransferResult:
    stop: StopRequest
    start: StartResult
    contact: Contact
    repeated: bool = field(default=False)


# -- guards and checks shared by the actions


def require_start_stop(by) -> None:
    if by is None or not by.has_perm(Perm.START_STOP_SERVICE):
        raise PermissionDenied("Your role does not allow starting or stopping service.")


def today() -> datetime.date:
    return timezone.localdate()


def check_service_date(
    value: datetime.date | None, *, field_name: str, what: str, errors: dict
) -> None:
    """A start or stop date within the district's window (policies start-date-*-days)."""
    if value is None:
        errors[field_name] = f"Enter the date service {what}."
        return
    window = selectors.service_date_window()
    if value < window.earliest:
        errors[field_name] = (
            f"The date service {what} can be at most {window.past_days} day"
            f"{'' if window.past_days == 1 else 's'} ago (not before "
            f"{window.earliest:%m/%d/%Y})."
        )
    elif value > window.latest:
        errors[field_name] = (
            f"The date service {what} can be at most {window.ahead_days} days ahead "
            f"(by {window.latest:%m/%d/%Y})."
        )


def premises_for_update(*premises: Premise) -> dict[int, Premise]:
    """Lock the premises in primary-key order (a start or transfer at a premise waits for the
    other one there, so two clerks cannot both start service at one address)."""
    ids = sorted({premise.pk for premise in premises})
    locked = Premise.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {premise.pk: premise for premise in locked}


def _order_date(service_date: datetime.date) -> datetime.date:
    """A field order cannot be asked for a past day: a back-dated start or stop is read today."""
    return max(service_date, today())


def order_create(*, order_type: str, premise: Premise, on_date, account, by, instructions=""):
    try:
        return work_order_create(
            order_type=order_type,
            premise=premise,
            by=by,
            requested_date=_order_date(on_date),
            service_account_id=account.pk,
            instructions=instructions,
        )
    except ValidationError as error:
        # The order's own fields are not on these forms: the premise is what to fix.
        raise ValidationError({"premise": error.messages}) from error
