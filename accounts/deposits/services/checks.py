"""The rules deposit actions check, with their messages (reads only: nothing here writes)."""

from decimal import Decimal

from accounts.deposits.rules import DepositQuote
from accounts.models import Deposit, ServiceAccount
from district.errors import ServiceError
from district.ledger.models import Journal
from district.money import format_money
from district.policies import policy_value

Status = Deposit.Status
AccountStatus = ServiceAccount.Status

WAIVER_KIND = "deposit_waiver"
REFUND_KIND = "deposit_refund"
REFUND_THRESHOLD_POLICY = "refund-approval-threshold"
# Deposits are set when service starts (or while it runs, after a shut-off).
TAKES_DEPOSITS = {AccountStatus.PENDING, AccountStatus.ACTIVE}
CREDITABLE = {AccountStatus.PENDING, AccountStatus.ACTIVE, AccountStatus.PENDING_FINAL}
REFUNDABLE = {AccountStatus.FINAL, AccountStatus.CLOSED}


def check_held(deposit: Deposit) -> None:
    if deposit.status != Status.CHARGED or deposit.amount <= 0:
        raise ServiceError(f"No deposit is held here: it is {status_words(deposit)}.")
    if deposit.closed_on is not None:
        raise ServiceError(
            f"This deposit was carried over to another account on {deposit.closed_on:%m/%d/%Y}."
        )


def status_words(deposit: Deposit) -> str:
    if deposit.status == Status.CHARGED and deposit.amount == 0:
        return "a decision that none is due"
    return deposit.get_status_display().lower()


def standing_message(deposit: Deposit) -> str:
    """Why a new deposit decision is refused while this one stands."""
    if deposit.status == Status.PENDING_APPROVAL:
        return (
            f"A waiver of this account's {format_money(deposit.amount)} deposit is waiting "
            "for a supervisor's decision."
        )
    if deposit.status == Status.WAIVED:
        return f"This account's {format_money(deposit.amount)} deposit was waived."
    if deposit.amount == 0:
        return f"This account already has its deposit decision: {deposit.explanation}"
    return (
        f"This account already holds a deposit of {format_money(deposit.amount)} "
        f"(charged {deposit.charged_on:%m/%d/%Y})."
    )


def check_quote(account: ServiceAccount, quote: DepositQuote) -> None:
    if not isinstance(quote, DepositQuote) or quote.guideline.pk is None:
        raise TypeError("quote must be a DepositQuote from deposit_quote().")
    if not isinstance(quote.amount, Decimal) or quote.amount < 0:
        raise ServiceError("A deposit cannot be negative.")
    if quote.basis not in Deposit.Basis.values or quote.basis == Deposit.Basis.TRANSFERRED:
        raise ServiceError("A carried-over deposit is recorded with deposit_carry_over.")
    if account.status not in TAKES_DEPOSITS:
        raise ServiceError(
            f"Deposits are set for new or active service; this account is "
            f"{account.get_status_display().lower()}."
        )


def check_installments(installments, quote: DepositQuote) -> int:
    if quote.amount == 0:
        return 1
    most = quote.guideline.max_installments
    if not isinstance(installments, int) or isinstance(installments, bool):
        raise ServiceError({"installments": "Choose the number of installments."})
    if not 1 <= installments <= most:
        raise ServiceError(
            {
                "installments": f"The deposit may be paid at once or in up to {most} "
                f"installment{'s' if most != 1 else ''}."
            }
        )
    return installments


def charged_with_key(key: str, quote: DepositQuote) -> Deposit | None:
    """The deposit an earlier request with this key charged, if any."""
    journal_id = Journal.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
    if journal_id is None:
        return None
    deposit = Deposit.objects.filter(charge_journal_id=journal_id).first()
    if deposit is None or deposit.amount != quote.amount:
        raise ServiceError(
            "This request was already recorded differently; reload the page and start again."
        )
    return deposit


def refund_limit() -> Decimal:
    return policy_value(REFUND_THRESHOLD_POLICY)
