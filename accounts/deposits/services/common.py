"""What every deposit service shares: the request keys, the lock order (account, then
its deposits), the checks with their messages, and the charge posting."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from accounts.deposits import selectors
from accounts.deposits.installments import first_installment, installment_label
from accounts.deposits.rules import DepositQuote
from accounts.deposits.services.installments import installments_schedule
from accounts.models import Deposit, DepositInstallment, ServiceAccount
from district.attribution import acting_user
from district.ledger.models import Journal
from district.ledger.services import Line, journal_post
from district.money import format_money
from district.policies import policy_value

Status = Deposit.Status
AccountStatus = ServiceAccount.Status

WAIVER_KIND = "deposit_waiver"
REFUND_KIND = "deposit_refund"
REFUND_THRESHOLD_POLICY = "refund-approval-threshold"
RECEIVABLE = "ar_customers"
DEPOSITS_HELD = selectors.DEPOSITS_PURPOSE
REFUNDS_PAYABLE = "refunds_payable"
# Deposits are set when service starts (or while it runs, after a shut-off).
TAKES_DEPOSITS = {AccountStatus.PENDING, AccountStatus.ACTIVE}
CREDITABLE = {AccountStatus.PENDING, AccountStatus.ACTIVE, AccountStatus.PENDING_FINAL}
REFUNDABLE = {AccountStatus.FINAL, AccountStatus.CLOSED}
# Ledger keys derived from the caller's key stay within the journal's 120 characters.
_KEY_LENGTH = 100


# -- helpers -----------------------------------------------------------------------------------


def request_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationError("A request key is required (reload the page and try again).")
    if len(key) > _KEY_LENGTH:
        raise ValidationError(f"The request key is longer than {_KEY_LENGTH} characters.")
    return key


def charge_key(key: str) -> str:
    return f"deposit-charge:{key}"


def waiver_key(key: str) -> str:
    return f"deposit-waiver:{key}"


def settle_key(deposit: Deposit) -> str:
    # One settlement per deposit: applying, crediting and refunding share the key, so even a
    # bug that skipped the status check could not settle a deposit twice in the books.
    return f"deposit-settle:{deposit.pk}"


def refund_request_key(deposit_id: int) -> str:
    return f"deposit-refund:{deposit_id}"


def lock_account(account: ServiceAccount) -> ServiceAccount:
    return (
        ServiceAccount.objects.select_for_update(of=("self",))
        .select_related("customer", "premise")
        .get(pk=account.pk)
    )


def lock_deposit(deposit_id: int) -> Deposit:
    """The deposit locked after its account (the lock order of every deposit action)."""
    try:
        account_id = Deposit.objects.values_list("account_id", flat=True).get(pk=deposit_id)
    except (Deposit.DoesNotExist, ValueError, TypeError):
        raise ValidationError("That deposit does not exist.") from None
    account = ServiceAccount.objects.select_for_update().get(pk=account_id)
    deposit = Deposit.objects.select_for_update().select_related("guideline").get(pk=deposit_id)
    deposit.account = account
    return deposit


def check_transition(deposit: Deposit, to: str) -> None:
    if to not in Deposit.ALLOWED_TRANSITIONS[Status(deposit.status)]:
        raise ValidationError(
            f"This deposit is {deposit.get_status_display().lower()}; "
            f"it cannot become {Status(to).label.lower()}."
        )


def check_held(deposit: Deposit) -> None:
    if deposit.status != Status.CHARGED or deposit.amount <= 0:
        raise ValidationError(f"No deposit is held here: it is {status_words(deposit)}.")
    if deposit.closed_on is not None:
        raise ValidationError(
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
        raise ValidationError("A deposit cannot be negative.")
    if quote.basis not in Deposit.Basis.values or quote.basis == Deposit.Basis.TRANSFERRED:
        raise ValidationError("A carried-over deposit is recorded with deposit_carry_over.")
    if account.status not in TAKES_DEPOSITS:
        raise ValidationError(
            f"Deposits are set for new or active service; this account is "
            f"{account.get_status_display().lower()}."
        )


def check_installments(installments, quote: DepositQuote) -> int:
    if quote.amount == 0:
        return 1
    most = quote.guideline.max_installments
    if not isinstance(installments, int) or isinstance(installments, bool):
        raise ValidationError({"installments": "Choose the number of installments."})
    if not 1 <= installments <= most:
        raise ValidationError(
            {
                "installments": f"The deposit may be paid at once or in up to {most} "
                f"installment{'s' if most != 1 else ''}."
            }
        )
    return installments


def check_acting(by, permission: str, refusal: str) -> None:
    if by is None or not by.has_perm(permission):
        raise ValidationError(refusal)


def deposit_from(account: ServiceAccount, quote: DepositQuote, **fields) -> Deposit:
    return Deposit(
        account=account,
        guideline=quote.guideline,
        basis=quote.basis,
        amount=quote.amount,
        explanation=quote.explanation[:255],
        **fields,
    )


def save(deposit: Deposit, by, *, fields: list[str] | None = None) -> None:
    with acting_user(by):
        deposit.save(update_fields=fields)


def post_charge(deposit: Deposit, *, by, key: str) -> Journal:
    """Charge the deposit: all of it, or its first installment (the account's next bills
    charge the others); the installments are scheduled with it."""
    account = deposit.account
    amount = first_installment(deposit)
    memo = f"Deposit charged to account {account.formatted_number}: " + (
        deposit.get_basis_display().lower()
        if amount == deposit.amount
        else installment_label(1, deposit.installments).lower()
    )
    journal = journal_post(
        kind=Journal.Kind.DEPOSIT,
        memo=memo[:255],
        lines=[
            Line(RECEIVABLE, amount, service_account_id=account.pk),
            Line(DEPOSITS_HELD, -amount, service_account_id=account.pk),
        ],
        by=by,
        idempotency_key=key,
        source=deposit,
    )
    if not DepositInstallment.objects.filter(deposit=deposit).exists():
        installments_schedule(deposit, journal_id=journal.pk, on_date=journal.effective_date)
    return journal


def charged_with_key(key: str, quote: DepositQuote) -> Deposit | None:
    """The deposit an earlier request with this key charged, if any."""
    journal_id = Journal.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
    if journal_id is None:
        return None
    deposit = Deposit.objects.filter(charge_journal_id=journal_id).first()
    if deposit is None or deposit.amount != quote.amount:
        raise ValidationError(
            "This request was already recorded differently; reload the page and start again."
        )
    return deposit


def refund_limit() -> Decimal:
    return policy_value(REFUND_THRESHOLD_POLICY)
