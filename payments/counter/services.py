"""The cash drawer: open with a counted float, take payments, void with approval, close blind.

Concurrency: every write that counts toward a drawer locks the session row first
(`select_for_update`), so a payment either lands before the close (and is counted in it) or
finds the drawer closed and is refused. A repeated idempotency key returns the first payment.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from accounts.models import CustomerFlag, ServiceAccount
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.ledger.models import Journal
from district.ledger.selectors import RECEIVABLE_PURPOSE
from district.ledger.services import Line, journal_post, journal_reverse
from district.money import ZERO, format_money, parse_money
from district.policies import policy_value
from payments.counter.denominations import count_clean, count_total
from payments.models import Drawer, DrawerSession, Payment, PaymentLine, PaymentVoid, Tender

VOID_KIND = "payment-void"
# The memo of the receivable line that pays a deposit: the deposit was charged to the account's
# receivable (debit receivable, credit customer deposits held: accounts.deposits), so paying it
# credits the receivable like any charge, on its own line so the receipt and the books show it.
DEPOSIT_MEMO = "Deposit paid"
OVER_SHORT_KIND = "drawer-over-short"

# Where each tender's money waits until it reaches the bank.
TENDER_GL = {
    Tender.Kind.CASH: "undeposited_funds",
    Tender.Kind.CHECK: "undeposited_funds",
    Tender.Kind.MONEY_ORDER: "undeposited_funds",
    Tender.Kind.CARD: "settlements_due",
    Tender.Kind.ACH: "settlements_due",
}
# Tenders the drawer holds and the blind close counts (cards settle through the processor).
DRAWER_TENDERS = (Tender.Kind.CASH, Tender.Kind.CHECK, Tender.Kind.MONEY_ORDER)
_REFUSED_WHEN_CASH_ONLY = {Tender.Kind.CHECK, Tender.Kind.ACH}


# -- opening -----------------------------------------------------------------------------------


def drawer_open(*, drawer: Drawer, cashier, opening_count: dict) -> DrawerSession:
    """Open a session on `drawer` for `cashier` with the float as counted, by denomination."""
    if not drawer.is_active:
        raise ValidationError(f"Drawer {drawer} is out of service.", code="drawer_inactive")
    count = count_clean(opening_count)
    session = DrawerSession(
        drawer=drawer,
        cashier=cashier,
        opening_count=count,
        opening_float=count_total(count),
    )
    try:
        with transaction.atomic(), acting_user(cashier):
            session.save()
    except IntegrityError as error:
        if "cashier_one_open_session" in str(error):
            open_one = DrawerSession.objects.filter(cashier=cashier, status="open").first()
            raise ValidationError(
                f"You already have drawer {open_one.drawer if open_one else ''} open; "
                "close it before opening another.",
                code="cashier_busy",
            ) from error
        if "drawer_one_open_session" in str(error):
            open_one = (
                DrawerSession.objects.filter(drawer=drawer, status="open")
                .select_related("cashier")
                .first()
            )
            who = open_one.cashier.get_full_name() or open_one.cashier.username if open_one else ""
            raise ValidationError(
                f"Drawer {drawer} is already open{f' ({who})' if who else ''}.",
                code="drawer_busy",
            ) from error
        raise
    return session


def session_locked(session_id: int) -> DrawerSession:
    """The session, row-locked until the transaction ends: every write that counts toward a
    drawer (a payment, a void, the close, a recount) takes this lock first."""
    session = (
        DrawerSession.objects.select_for_update()
        .select_related("drawer")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise ValidationError("That drawer session does not exist.", code="no_session")
    return session


# -- taking a payment --------------------------------------------------------------------------


@dataclass(frozen=True)
class TenderIn:
    """One tender as the cashier entered it. For cash, `amount` is what was handed over."""

    kind: str
    amount: Decimal
    check_number: str = ""
    bank_name: str = ""
    card_last4: str = ""
    approval_code: str = ""
    reference: str = ""


@dataclass(frozen=True)
class PaymentIn:
    """A counter payment: what each account is paid, and how."""

    allocations: Sequence[tuple[int, Decimal]]  # (service account id, amount)
    tenders: Sequence[TenderIn]
    payer_name: str = ""
    notes: list[str] = field(default_factory=list)
    # The part of an account's amount that pays its deposit (service account id -> amount).
    deposits: Mapping[int, Decimal] = field(default_factory=dict)


def _checked_allocations(allocations) -> list[tuple[int, Decimal]]:
    if not allocations:
        raise ValidationError("Pick at least one account to pay.", code="no_accounts")
    seen: set[int] = set()
    checked = []
    for account_id, amount in allocations:
        amount = parse_money(amount)
        if amount <= 0:
            raise ValidationError("Each account's payment must be more than $0.00.", code="amount")
        if account_id in seen:
            raise ValidationError("An account appears twice on this payment.", code="duplicate")
        seen.add(account_id)
        checked.append((int(account_id), amount))
    return checked


def _checked_deposits(deposits, allocations) -> dict[int, Decimal]:
    """Each deposit line within its account's amount on this payment."""
    paid = dict(allocations)
    checked = {}
    for account_id, amount in (deposits or {}).items():
        amount = parse_money(amount)
        if int(account_id) not in paid:
            raise ValidationError("A deposit line is for an account not on this payment.")
        if amount <= 0 or amount > paid[int(account_id)]:
            raise ValidationError(
                "A deposit line must be more than $0.00 and within its account's amount.",
                code="deposit_amount",
            )
        checked[int(account_id)] = amount
    return checked


def _tender_clean(tender: TenderIn) -> TenderIn:
    if tender.kind not in Tender.Kind.values:
        raise ValidationError(f"“{tender.kind}” is not a kind of tender.", code="tender")
    amount = parse_money(tender.amount)
    if amount <= 0:
        raise ValidationError("Each tender must be more than $0.00.", code="tender_amount")
    if tender.kind == Tender.Kind.CHECK and not tender.check_number.strip():
        raise ValidationError("Enter the check number.", code="check_number")
    if tender.kind == Tender.Kind.CARD:
        if not (len(tender.card_last4) == 4 and tender.card_last4.isdigit()):
            raise ValidationError(
                "Enter the last four digits of the card (never the whole number).", code="card"
            )
        if not tender.approval_code.strip():
            raise ValidationError("Enter the terminal's approval code.", code="approval_code")
    return TenderIn(
        kind=tender.kind,
        amount=amount,
        check_number=tender.check_number.strip()[:20],
        bank_name=tender.bank_name.strip()[:60],
        card_last4=tender.card_last4,
        approval_code=tender.approval_code.strip()[:20],
        reference=tender.reference.strip()[:60],
    )


@dataclass(frozen=True)
class Tendered:
    tenders: list[TenderIn]  # cash as applied (net of change)
    cash_received: Decimal
    change: Decimal


def tendered(total: Decimal, tenders: Sequence[TenderIn]) -> Tendered:
    """Check the tenders against the total and work out the change (only cash gives change)."""
    tenders = [_tender_clean(tender) for tender in tenders]
    if not tenders:
        raise ValidationError("Enter how the customer is paying.", code="no_tender")
    cash = [tender for tender in tenders if tender.kind == Tender.Kind.CASH]
    if len(cash) > 1:
        raise ValidationError("Enter cash once, as the whole amount handed over.", code="cash")
    other = sum((tender.amount for tender in tenders if tender.kind != Tender.Kind.CASH), ZERO)
    if other > total:
        raise ValidationError(
            f"Checks, money orders and cards come to {format_money(other)}, more than the "
            f"{format_money(total)} being paid: add the difference to an account as a credit.",
            code="over_tendered",
        )
    cash_due = total - other
    if not cash:
        if cash_due:
            raise ValidationError(
                f"The tenders come to {format_money(other)}, {format_money(cash_due)} short of "
                f"the {format_money(total)} being paid.",
                code="under_tendered",
            )
        return Tendered(tenders=tenders, cash_received=ZERO, change=ZERO)
    received = cash[0].amount
    if cash_due == 0:
        raise ValidationError("The other tenders cover the payment: take no cash.", code="cash")
    if received < cash_due:
        raise ValidationError(
            f"Cash of {format_money(received)} is {format_money(cash_due - received)} short of "
            f"the {format_money(cash_due)} due in cash.",
            code="under_tendered",
        )
    applied = [
        TenderIn(**{**tender.__dict__, "amount": cash_due})
        if tender.kind == Tender.Kind.CASH
        else tender
        for tender in tenders
    ]
    return Tendered(tenders=applied, cash_received=received, change=received - cash_due)


def cash_only_accounts(account_ids) -> set[int]:
    """Which of the accounts belong to customers flagged cash only."""
    flagged = CustomerFlag.objects.filter(
        customer_id=OuterRef("customer_id"),
        flag=CustomerFlag.Flag.CASH_ONLY,
        cleared_at__isnull=True,
    )
    return set(
        ServiceAccount.objects.filter(pk__in=list(account_ids))
        .filter(Exists(flagged))
        .values_list("pk", flat=True)
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
        raise ValidationError(
            "This request key was already used for a different payment; reload the form.",
            code="key_reused",
        )
    return existing


def payment_post(
    *, session_id: int, by, payment: PaymentIn, idempotency_key: str, effective_date=None
) -> Payment:
    """Take a counter payment into an open drawer: one journal (debit the tenders' holding
    accounts, credit each account's receivable) and its receipt. Posts once per key."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 120:
        raise ValidationError("The form is missing its request key; reload it.", code="key")
    allocations = _checked_allocations(payment.allocations)
    deposits = _checked_deposits(payment.deposits, allocations)
    total = sum((amount for _, amount in allocations), ZERO)
    tender = tendered(total, payment.tenders)
    try:
        with transaction.atomic(), acting_user(by):
            session = session_locked(session_id)
            # After the lock: a concurrent request with this key has committed or rolled back.
            if Payment.objects.filter(idempotency_key=key).exists():
                return _existing(
                    key, session_id=session_id, allocations=allocations, tenders=tender.tenders
                )
            if session.status != DrawerSession.Status.OPEN:
                raise ValidationError(
                    f"Drawer {session.drawer} is closed: the payment was not taken.",
                    code="drawer_closed",
                )
            if session.cashier_id != by.pk:
                raise ValidationError(
                    f"Drawer {session.drawer} is open for another cashier.", code="not_your_drawer"
                )
            return _payment_write(
                session=session,
                by=by,
                allocations=allocations,
                deposits=deposits,
                total=total,
                tender=tender,
                payer_name=payment.payer_name,
                key=key,
                effective_date=effective_date or timezone.localdate(),
            )
    except IntegrityError:
        # The same key on another drawer's lock raced us to the unique index.
        if Payment.objects.filter(idempotency_key=key).exists():
            return _existing(
                key, session_id=session_id, allocations=allocations, tenders=tender.tenders
            )
        raise


def _payment_write(
    *, session, by, allocations, deposits, total, tender: Tendered, payer_name, key,
    effective_date,
) -> Payment:  # fmt: skip
    accounts = {
        account.pk: account
        for account in ServiceAccount.objects.filter(pk__in=[pk for pk, _ in allocations])
    }
    missing = [pk for pk, _ in allocations if pk not in accounts]
    if missing:
        raise ValidationError("An account on this payment does not exist.", code="no_account")
    refused = {tender.kind for tender in tender.tenders} & _REFUSED_WHEN_CASH_ONLY
    if refused:
        cash_only = cash_only_accounts(accounts)
        if cash_only:
            numbers = ", ".join(accounts[pk].formatted_number for pk in sorted(cash_only))
            raise ValidationError(
                f"Account {numbers} is cash only: a check cannot be taken. "
                "Ask for cash, a money order or a card.",
                code="cash_only",
            )
    payment_id = _next_payment_id()
    received_at = timezone.now()
    receipt = f"{received_at:%Y}-{payment_id:08d}"
    debits: dict[str, Decimal] = {}
    for tender_in in tender.tenders:
        gl = TENDER_GL[tender_in.kind]
        debits[gl] = debits.get(gl, ZERO) + tender_in.amount
    lines = [Line(gl, amount, memo=f"Receipt {receipt}") for gl, amount in debits.items()]
    for account_id, amount in allocations:
        deposit = deposits.get(account_id, ZERO)
        if deposit:
            lines.append(
                Line(
                    RECEIVABLE_PURPOSE,
                    -deposit,
                    account_id,
                    memo=f"{DEPOSIT_MEMO}, receipt {receipt}",
                )
            )
        if amount - deposit:
            lines.append(
                Line(
                    RECEIVABLE_PURPOSE,
                    deposit - amount,
                    account_id,
                    memo=f"Payment, receipt {receipt}",
                )
            )
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Counter payment, receipt {receipt}, drawer {session.drawer}",
        lines=lines,
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
        total=total,
        cash_received=tender.cash_received,
        change_given=tender.change,
        idempotency_key=key,
        journal=journal,
    )
    PaymentLine.objects.bulk_create(
        PaymentLine(payment=created, account_id=account_id, amount=amount)
        for account_id, amount in allocations
    )
    Tender.objects.bulk_create(
        Tender(payment=created, **tender_in.__dict__) for tender_in in tender.tenders
    )
    return created


# -- what the drawer should hold ---------------------------------------------------------------


def session_expected(session: DrawerSession) -> dict[str, Decimal]:
    """What the drawer should hold by tender kind (cash includes the float), voids excluded."""
    totals = dict(
        Tender.objects.filter(payment__session=session, payment__void__isnull=True)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    expected = {kind: totals.get(kind, ZERO) for kind in Tender.Kind.values}
    expected[Tender.Kind.CASH] += session.opening_float
    return expected


def session_check_items(session: DrawerSession) -> int:
    return Tender.objects.filter(
        payment__session=session, payment__void__isnull=True, kind=Tender.Kind.CHECK
    ).count()


# -- voids -------------------------------------------------------------------------------------


def void_request(*, payment_id: int, by, reason: str, idempotency_key: str = "") -> ApprovalRequest:
    """Ask a supervisor to void a payment taken today at a drawer that is still open."""
    with transaction.atomic(), acting_user(by):
        payment = Payment.objects.select_related("session__drawer").filter(pk=payment_id).first()
        if payment is None:
            raise ValidationError("That payment does not exist.", code="no_payment")
        if payment.session_id is not None:
            # Wait for a close (or another void request) in progress: then see its outcome.
            payment.session = session_locked(payment.session_id)
        _check_voidable(payment)
        pending = ApprovalRequest.objects.filter(
            kind=VOID_KIND, status=ApprovalRequest.Status.PENDING, payload__payment_id=payment.pk
        ).first()
        if pending is not None:
            return pending
        return approval_request_create(
            kind=VOID_KIND,
            by=by,
            reason=reason,
            amount=payment.total,
            payload={"payment_id": payment.pk, "receipt": payment.receipt_number},
            target=payment,
            idempotency_key=idempotency_key or None,
        )


def _check_voidable(payment: Payment) -> None:
    if payment.channel != Payment.Channel.COUNTER:
        raise ValidationError(
            "Only counter payments are voided; record a returned item or an adjustment instead.",
            code="not_counter",
        )
    if PaymentVoid.objects.filter(payment_id=payment.pk).exists():
        raise ValidationError(f"Receipt {payment.receipt_number} is already void.", code="voided")
    if timezone.localtime(payment.received_at).date() != timezone.localdate():
        raise ValidationError(
            "Only today's payments can be voided; correct older ones with an adjustment.",
            code="not_today",
        )
    if payment.session.status != DrawerSession.Status.OPEN:
        raise ValidationError(
            f"Drawer {payment.session.drawer} is closed: the payment can no longer be voided.",
            code="drawer_closed",
        )
    if payment.tenders.filter(returned__isnull=False).exists():
        raise ValidationError("A tender of this payment was returned by the bank.")


def void_approve(request: ApprovalRequest, by) -> dict:
    """Approved: reverse the payment's journal, under the drawer's lock, before its close."""
    payment = Payment.objects.select_related("session__drawer").get(
        pk=int(request.payload["payment_id"])
    )
    if payment.taken_by_id == by.pk:
        raise ValidationError("A cashier cannot approve the void of their own payment.")
    session_locked(payment.session_id)
    payment.session.refresh_from_db()
    _check_voidable(payment)
    journal = journal_reverse(
        journal=payment.journal,
        by=by,
        reason=f"void of receipt {payment.receipt_number}: {request.reason}"[:200],
        idempotency_key=f"void:{payment.pk}",
    )
    try:
        with transaction.atomic():
            PaymentVoid.objects.create(
                payment=payment, request=request, journal=journal, reason=request.reason[:255]
            )
    except IntegrityError as error:
        raise ValidationError(f"Receipt {payment.receipt_number} is already void.") from error
    return {"journal_id": journal.pk, "receipt": payment.receipt_number}


def void_describe(request: ApprovalRequest) -> str:
    return (
        f"Void receipt {request.payload.get('receipt', '')} for "
        f"{format_money(request.amount or ZERO)}."
    )


# -- the blind close ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseCount:
    """What the cashier counted, before seeing what the system expects."""

    cash: dict  # denomination key -> pieces, float included
    checks_total: Decimal = ZERO
    check_items: int = 0
    money_orders_total: Decimal = ZERO
    cards_total: Decimal = ZERO


def close_count_record(session: DrawerSession, count: CloseCount) -> None:
    """Put a blind count on the session and work out the over/short against the expected
    figures fixed on it (cards settle through the processor, so they are shown, not posted)."""
    cash = count_clean(count.cash)
    amounts = {
        "checks": parse_money(count.checks_total),
        "money orders": parse_money(count.money_orders_total),
        "cards": parse_money(count.cards_total),
    }
    for label, amount in amounts.items():
        if amount < 0:
            raise ValidationError(f"The {label} total cannot be negative.", code="negative")
    if count.check_items < 0:
        raise ValidationError("The number of checks cannot be negative.", code="negative")
    session.close_count = cash
    session.counted_cash = count_total(cash)
    session.counted_checks = amounts["checks"]
    session.counted_check_items = count.check_items
    session.counted_money_orders = amounts["money orders"]
    session.counted_cards = amounts["cards"]
    session.over_short = (
        (session.counted_cash - session.expected_cash)
        + (session.counted_checks - (session.expected_checks or ZERO))
        + (session.counted_money_orders - (session.expected_money_orders or ZERO))
    )


def over_short_settle(
    session: DrawerSession, *, by, key: str, headline: str, note: str = "", payload=None
) -> None:
    """Post a difference within the tolerance at once; ask a supervisor to approve a larger one
    (its journal posts when approved). `key` makes the journal or the request once-only."""
    tolerance = policy_value("drawer-over-short-tolerance")
    if session.over_short == 0:
        session.over_short_state = DrawerSession.OverShort.NONE
    elif abs(session.over_short) <= tolerance:
        session.over_short_journal = over_short_post(session, by=by, key=key, note=note)
        session.over_short_state = DrawerSession.OverShort.POSTED
    else:
        session.over_short_state = DrawerSession.OverShort.PENDING
        session.save()
        what = "over" if session.over_short > 0 else "short"
        session.over_short_request = approval_request_create(
            kind=OVER_SHORT_KIND,
            by=by,
            reason=(
                f"{headline} {format_money(abs(session.over_short))} {what}, beyond the "
                f"{format_money(tolerance)} tolerance. {note}"
            ).strip(),
            amount=abs(session.over_short),
            payload={"session_id": session.pk, **(payload or {})},
            target=session,
            idempotency_key=key,
        )
    session.save()


def drawer_close(*, session_id: int, by, count: CloseCount) -> DrawerSession:
    """Close the drawer with the blind count: the expected figures are fixed now, under the
    session's lock, so every payment that got the lock first is counted."""
    with transaction.atomic(), acting_user(by):
        session = session_locked(session_id)
        if session.status != DrawerSession.Status.OPEN:
            raise ValidationError(f"Drawer {session.drawer} is already closed.", code="closed")
        if session.cashier_id != by.pk:
            raise ValidationError("Only the drawer's cashier closes it.", code="not_your_drawer")
        pending_voids = ApprovalRequest.objects.filter(
            kind=VOID_KIND,
            status=ApprovalRequest.Status.PENDING,
            payload__payment_id__in=list(session.payments.values_list("pk", flat=True)),
        )
        if pending_voids.exists():
            raise ValidationError(
                "A void of this drawer's payment awaits a supervisor: have it decided first.",
                code="void_pending",
            )
        expected = session_expected(session)
        session.expected_cash = expected[Tender.Kind.CASH]
        session.expected_checks = expected[Tender.Kind.CHECK]
        session.expected_money_orders = expected[Tender.Kind.MONEY_ORDER]
        session.expected_cards = expected[Tender.Kind.CARD]
        close_count_record(session, count)
        session.status = DrawerSession.Status.CLOSED
        session.closed_at = timezone.now()
        over_short_settle(
            session,
            by=by,
            key=f"over-short:{session.pk}",
            headline=f"Drawer {session.drawer} closed",
        )
    return session


def over_short_post(session: DrawerSession, *, by, key: str, note: str = "") -> Journal:
    """The difference's journal: debit undeposited funds (over) or credit it (short)."""
    difference = session.over_short
    what = "over" if difference > 0 else "short"
    memo = f"Drawer {session.drawer} {session.business_date:%Y-%m-%d} {what}"
    return journal_post(
        kind=Journal.Kind.OVER_SHORT,
        memo=(f"{memo} ({note})" if note else memo)[:255],
        lines=[Line("undeposited_funds", difference), Line("cash_over_short", -difference)],
        by=by,
        idempotency_key=key,
        source=session,
    )


def over_short_approve(request: ApprovalRequest, by) -> dict:
    session = session_locked(int(request.payload["session_id"]))
    if session.over_short_state != DrawerSession.OverShort.PENDING:
        raise ValidationError("This drawer's over/short is no longer awaiting approval.")
    if session.cashier_id == by.pk:
        raise ValidationError("A cashier cannot approve their own drawer's over/short.")
    session.over_short_journal = over_short_post(session, by=by, key=f"over-short:{session.pk}")
    session.over_short_state = DrawerSession.OverShort.POSTED
    session.save(update_fields=["over_short_journal", "over_short_state"])
    return {"journal_id": session.over_short_journal_id}


def over_short_describe(request: ApprovalRequest) -> str:
    return f"Accept a drawer difference of {format_money(request.amount or ZERO)}."


def depositable_amount(session: DrawerSession) -> Decimal:
    """What a closed session sends to the bank: counted cash less the float kept in the
    drawer, plus checks and money orders."""
    return (
        (session.counted_cash or ZERO)
        - session.opening_float
        + (session.counted_checks or ZERO)
        + (session.counted_money_orders or ZERO)
    )
