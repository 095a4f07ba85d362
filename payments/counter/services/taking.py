"""Taking a counter payment into an open drawer: one journal and its receipt, once per key.

Concurrency: the payment locks its drawer session first (`session_locked`), so it either lands
before the close (and is counted in it) or finds the drawer closed and is refused. A repeated
idempotency key returns the first payment.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from district.attribution import acting_user
from district.customer_notes import COUNTER_PAYMENT, DEPOSIT_PAID
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, parse_money
from payments.after_posting import payments_posted
from payments.counter.services.sessions import session_locked
from payments.counter.services.tenders import (
    TENDER_GL,
    Tendered,
    TenderIn,
    check_cash_only,
    tendered,
)
from payments.models import DrawerSession, Payment, PaymentLine, Tender

# The memo of the receivable line that pays a deposit: the deposit was charged to the account's
# receivable (debit receivable, credit customer deposits held: accounts.deposits), so paying it
# credits the receivable like any charge, on its own line so the receipt and the books show it.
DEPOSIT_MEMO = "Deposit paid"


@dataclass(frozen=True)
class PaymentIn:
    """A counter payment: what each account is paid, and how."""

    allocations: Sequence[tuple[int, Decimal]]  # (service account id, amount)
    tenders: Sequence[TenderIn]
    payer_name: str = ""
    notes: list[str] = field(default_factory=list)
    # The part of an account's amount that pays its deposit (service account id -> amount).
    deposits: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedPayment:
    """A payment that passed every rule that needs no lock: what payment_post writes."""

    allocations: list[tuple[int, Decimal]]
    deposits: dict[int, Decimal]
    total: Decimal
    tendered: Tendered


def _checked_allocations(allocations) -> list[tuple[int, Decimal]]:
    """Each account once, each amount above zero. A refusal names `amount_<position>`."""
    if not allocations:
        raise ServiceError("Find and add at least one account to pay.", code="no_accounts")
    seen: set[int] = set()
    checked = []
    for position, (account_id, amount) in enumerate(allocations):
        amount = parse_money(amount)
        if amount <= 0:
            raise ServiceError(
                {f"amount_{position}": "Each account's payment must be more than $0.00."},
                code="amount",
            )
        if int(account_id) in seen:
            raise ServiceError(
                {f"amount_{position}": "This account is already on the payment."},
                code="duplicate",
            )
        seen.add(int(account_id))
        checked.append((int(account_id), amount))
    return checked


def _checked_deposits(deposits, allocations) -> dict[int, Decimal]:
    """Each deposit line within its account's amount on this payment."""
    position_of = {account_id: position for position, (account_id, _) in enumerate(allocations)}
    paid = dict(allocations)
    checked = {}
    for account_id, amount in (deposits or {}).items():
        amount = parse_money(amount)
        if int(account_id) not in paid:
            raise ServiceError("A deposit line is for an account not on this payment.")
        if amount <= 0 or amount > paid[int(account_id)]:
            raise ServiceError(
                {
                    f"deposit_{position_of[int(account_id)]}": "A deposit line must be more "
                    "than $0.00 and within its account's amount."
                },
                code="deposit_amount",
            )
        checked[int(account_id)] = amount
    return checked


def payment_check(payment: PaymentIn) -> CheckedPayment:
    """The rules a payment meets before it touches the drawer: accounts, amounts, deposit lines
    and tenders (with the change). The counter's "Check" button shows this result."""
    allocations = _checked_allocations(payment.allocations)
    deposits = _checked_deposits(payment.deposits, allocations)
    total = sum((amount for _, amount in allocations), ZERO)
    return CheckedPayment(
        allocations=allocations,
        deposits=deposits,
        total=total,
        tendered=tendered(total, payment.tenders),
    )


def _next_payment_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('payments_payment', 'id'))")
        return cursor.fetchone()[0]


def _existing(
    idempotency_key: str, *, session_id: int, allocations, tenders: Sequence[TenderIn]
) -> Payment:
    """The payment a repeated key posted, if the request is the same one again: the same
    drawer, accounts, amounts and tenders. A key reused for anything else is refused."""
    existing = Payment.objects.get(idempotency_key=idempotency_key)
    same_lines = sorted(existing.lines.values_list("account_id", "amount")) == sorted(allocations)
    same_tenders = sorted(existing.tenders.values_list("kind", "amount")) == sorted(
        (tender.kind, tender.amount) for tender in tenders
    )
    if existing.session_id != session_id or not (same_lines and same_tenders):
        raise ServiceError(
            "This request key was already used for a different payment; reload the form.",
            code="key_reused",
        )
    return existing


def _check_drawer(session: DrawerSession, by) -> None:
    if session.status != DrawerSession.Status.OPEN:
        raise ServiceError(
            f"Drawer {session.drawer} is closed: the payment was not taken.", code="drawer_closed"
        )
    if session.cashier_id != by.pk:
        raise ServiceError(
            f"Drawer {session.drawer} is open for another cashier.", code="not_your_drawer"
        )


def payment_post(
    *, session_id: int, by, payment: PaymentIn, idempotency_key: str, effective_date=None
) -> Payment:
    """Take a counter payment into an open drawer: one journal (debit the tenders' holding
    accounts, credit each account's receivable) and its receipt. Posts once per key."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 120:
        raise ServiceError("The form is missing its request key; reload it.", code="key")
    checked = payment_check(payment)
    again = {"session_id": session_id, "allocations": checked.allocations}
    try:
        with transaction.atomic(), acting_user(by):
            session = session_locked(session_id)
            # After the lock: a concurrent request with this key has committed or rolled back.
            if Payment.objects.filter(idempotency_key=key).exists():
                return _existing(key, **again, tenders=checked.tendered.tenders)
            _check_drawer(session, by)
            return _payment_write(
                session=session,
                by=by,
                checked=checked,
                payer_name=payment.payer_name,
                key=key,
                effective_date=effective_date or timezone.localdate(),
            )
    except IntegrityError:
        # The same key on another drawer's lock raced us to the unique index.
        if Payment.objects.filter(idempotency_key=key).exists():
            return _existing(key, **again, tenders=checked.tendered.tenders)
        raise


def _journal_lines(checked: CheckedPayment, receipt: str) -> list[Line]:
    """Debit each tender's holding account; credit each account's receivable (its deposit, if
    any, on a line of its own)."""
    debits: dict[str, Decimal] = {}
    for tender_in in checked.tendered.tenders:
        purpose = TENDER_GL[tender_in.kind]
        debits[purpose] = debits.get(purpose, ZERO) + tender_in.amount
    lines = [Line(purpose, amount, memo=f"Receipt {receipt}") for purpose, amount in debits.items()]
    for account_id, amount in checked.allocations:
        deposit = checked.deposits.get(account_id, ZERO)
        if deposit:
            memo = DEPOSIT_PAID.text(receipt=receipt)
            lines.append(Line(Purpose.AR_CUSTOMERS, -deposit, account_id, memo=memo))
        if amount - deposit:
            memo = COUNTER_PAYMENT.text(receipt=receipt)
            lines.append(Line(Purpose.AR_CUSTOMERS, deposit - amount, account_id, memo=memo))
    return lines


def _payment_write(
    *, session, by, checked: CheckedPayment, payer_name, key, effective_date
) -> Payment:
    account_ids = [pk for pk, _ in checked.allocations]
    accounts = ServiceAccount.objects.in_bulk(account_ids)
    if any(pk not in accounts for pk in account_ids):
        raise ServiceError("An account on this payment does not exist.", code="no_account")
    check_cash_only(accounts, checked.tendered.tenders)
    payment_id = _next_payment_id()
    received_at = timezone.now()
    receipt = f"{received_at:%Y}-{payment_id:08d}"
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Counter payment, receipt {receipt}, drawer {session.drawer}",
        lines=_journal_lines(checked, receipt),
        by=by,
        idempotency_key=f"payment:{key}",
        effective_date=effective_date,
        source=Payment(pk=payment_id),
    )
    created = Payment.objects.create(
        pk=payment_id,
        channel=Payment.Channel.COUNTER,
        session=session,
        received_at=received_at,
        effective_date=journal.effective_date,
        taken_by=by,
        payer_name=(payer_name or "").strip()[:120],
        total=checked.total,
        cash_received=checked.tendered.cash_received,
        change_given=checked.tendered.change,
        idempotency_key=key,
        journal=journal,
    )
    PaymentLine.objects.bulk_create(
        PaymentLine(payment=created, account_id=account_id, amount=amount)
        for account_id, amount in checked.allocations
    )
    Tender.objects.bulk_create(
        Tender(payment=created, **tender_in.__dict__) for tender_in in checked.tendered.tenders
    )
    payments_posted(account_ids, by=by)
    return created
