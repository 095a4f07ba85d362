"""What the start, stop and transfer services take and return."""

from dataclasses import dataclass, field

from accounts.models import Contact, Deposit, ServiceAccount, ServiceAccountParties, StopRequest
from accounts.services import MAILING_FIELDS
from field_ops.models import WorkOrder

# Customer fields a start may update (step 4 of the wizard: mailing address and language).
CUSTOMER_CHANGE_FIELDS = (*MAILING_FIELDS, "language")


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

    @property
    def waives(self) -> bool:
        return self.action == self.WAIVE


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
