"""Reads of the counter: the cashier's open drawer, its receipts, a receipt with how each account's
payment was applied (oldest charges first), a closed session's figures and an account's payments.

Every read here runs a fixed number of queries, whatever the number of rows (pinned in tests).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch

from accounts.deposits.selectors import deposits_held
from accounts.models import ServiceAccount
from accounts.numbers import format_account_number, normalise_account_number
from accounts.search import SearchHit, exact_match, search_accounts
from billing.documents.scan_line import parse_scan_line
from district.approvals.models import ApprovalRequest
from district.ledger.models import JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balances
from district.money import ZERO
from payments.counter.services import DEPOSIT_MEMO, VOID_KIND, cash_only_accounts
from payments.models import DrawerSession, Payment, PaymentLine, Tender

PANEL_PAYMENTS = 10


# -- the drawer --------------------------------------------------------------------------------


def open_session_for(user) -> DrawerSession | None:
    """The cashier's open drawer session, if any (one query)."""
    return (
        DrawerSession.objects.select_related("drawer", "cashier")
        .filter(cashier=user, status=DrawerSession.Status.OPEN)
        .first()
    )


def recent_closes_for(user, *, limit: int = 5) -> list[DrawerSession]:
    """The cashier's latest closed sessions, to get back to a close's result (one query)."""
    return list(
        DrawerSession.objects.select_related("drawer")
        .filter(cashier=user, status=DrawerSession.Status.CLOSED)
        .order_by("-closed_at", "-id")[:limit]
    )


def session_for_page(session_id: int) -> DrawerSession | None:
    return (
        DrawerSession.objects.select_related(
            "drawer", "cashier", "over_short_request", "over_short_request__decided_by"
        )
        .filter(pk=session_id)
        .first()
    )


def session_receipts(session: DrawerSession) -> list[Payment]:
    """The session's receipts, newest first, with their accounts and void state (2 queries)."""
    lines = PaymentLine.objects.select_related("account").order_by("id")
    return list(
        Payment.objects.filter(session=session)
        .select_related("void")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-received_at", "-id")
    )


# -- accounts on the payment form --------------------------------------------------------------


@dataclass(frozen=True)
class PayAccount:
    account: ServiceAccount
    balance: Decimal
    cash_only: bool

    @property
    def owed(self) -> Decimal:
        return self.balance if self.balance > 0 else ZERO


def pay_accounts(account_ids) -> list[PayAccount]:
    """The accounts being paid, in the order given, with balances and the cash-only flag."""
    ids = [int(pk) for pk in account_ids]
    if not ids:
        return []
    accounts = {
        account.pk: account
        for account in ServiceAccount.objects.select_related("customer", "premise").filter(
            pk__in=ids
        )
    }
    balances = account_balances(accounts)
    cash_only = cash_only_accounts(accounts)
    return [
        PayAccount(account=accounts[pk], balance=balances[pk], cash_only=pk in cash_only)
        for pk in ids
        if pk in accounts
    ]


def deposits_to_collect(pay_rows: list[PayAccount]) -> dict[int, Decimal]:
    """The deposit line each account may carry: the deposit charged and held (all of it, or
    its installments billed so far), at most what the account owes now (less means some was
    paid already). One query; accounts with nothing to collect are left out."""
    held = deposits_held([row.account.pk for row in pay_rows])
    collect = {row.account.pk: min(held[row.account.pk], row.owed) for row in pay_rows}
    return {account_id: amount for account_id, amount in collect.items() if amount > 0}


# -- the receipt -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedCharge:
    """One charge that was still open when the payment came, and what the payment paid of it."""

    date: date
    memo: str
    open_before: Decimal
    applied: Decimal

    @property
    def open_after(self) -> Decimal:
        return self.open_before - self.applied


@dataclass
class Application:
    """How one account's part of a payment was applied: balance forward, oldest charges first."""

    balance_before: Decimal
    amount: Decimal
    charges: list[AppliedCharge] = field(default_factory=list)
    to_credit: Decimal = ZERO  # paid beyond every open charge: left as a credit balance
    deposit: Decimal = ZERO  # the part of the amount that paid the account's deposit

    @property
    def balance_after(self) -> Decimal:
        return self.balance_before - self.amount


def open_charges(lines) -> tuple[list[tuple[date, str, Decimal]], Decimal]:
    """Receivable lines (date, memo, amount; oldest first) -> the charges still open, oldest
    first, and any credit left over. Every credit pays the oldest open charges first, so the
    open charges are the newest ones whose sum is what the credits did not cover."""
    charges = [(day, memo, amount) for day, memo, amount in lines if amount > 0]
    credit = -sum((amount for _, _, amount in lines if amount < 0), ZERO)
    still_open = []
    for day, memo, amount in charges:
        paid = min(credit, amount)
        credit -= paid
        if amount - paid > 0:
            still_open.append((day, memo, amount - paid))
    return still_open, credit


def apply_payment(lines, amount: Decimal) -> Application:
    """What `amount` paid of the charges the lines leave open, oldest first; the rest is credit."""
    # An earlier credit left over stays a credit: the whole payment then adds to it.
    still_open, _credit = open_charges(lines)
    balance_before = sum((line_amount for _, _, line_amount in lines), ZERO)
    application = Application(balance_before=balance_before, amount=amount)
    left = amount
    for day, memo, open_amount in still_open:
        if left <= 0:
            break
        paid = min(left, open_amount)
        application.charges.append(
            AppliedCharge(date=day, memo=memo, open_before=open_amount, applied=paid)
        )
        left -= paid
    application.to_credit = left
    return application


def payment_applications(payment: Payment, account_amounts: dict[int, Decimal]) -> dict:
    """For each account of the payment, how its amount was applied to the charges open just
    before the payment's journal, and the part of it that paid a deposit (one query for all
    the accounts: the payment's own receivable lines come with the earlier ones)."""
    lines: dict[int, list] = {account_id: [] for account_id in account_amounts}
    deposits: dict[int, Decimal] = {}
    receivable = (
        JournalLine.objects.filter(
            service_account_id__in=list(account_amounts),
            gl_account__purpose=Purpose.AR_CUSTOMERS,
            journal_id__lte=payment.journal_id,
        )
        .order_by("effective_date", "id")
        .values_list(
            "service_account_id", "effective_date", "memo", "journal__memo", "amount", "journal_id"
        )
    )
    for account_id, day, memo, journal_memo, amount, journal_id in receivable:
        if journal_id == payment.journal_id:
            if memo.startswith(DEPOSIT_MEMO):
                deposits[account_id] = deposits.get(account_id, ZERO) - amount
            continue
        lines[account_id].append((day, memo or journal_memo, amount))
    applications = {
        account_id: apply_payment(lines[account_id], amount)
        for account_id, amount in account_amounts.items()
    }
    for account_id, amount in deposits.items():
        applications[account_id].deposit = amount
    return applications


@dataclass(frozen=True)
class ReceiptLine:
    line: PaymentLine
    application: Application


@dataclass(frozen=True)
class Receipt:
    payment: Payment
    lines: list[ReceiptLine]
    tenders: list[Tender]
    void_request: ApprovalRequest | None  # the latest request to void it, if any

    @property
    def is_void(self) -> bool:
        return hasattr(self.payment, "void")

    @property
    def void_pending(self) -> bool:
        return (
            self.void_request is not None
            and self.void_request.status == ApprovalRequest.Status.PENDING
        )

    @property
    def void_refused(self) -> bool:
        """The latest request to void it was turned down by a supervisor."""
        return (
            self.void_request is not None
            and self.void_request.status == ApprovalRequest.Status.REJECTED
        )

    @property
    def can_request_void(self) -> bool:
        """Whether a void can be asked for now: a counter receipt, not void or awaiting one,
        at a drawer still open (the void service checks the same, and the day, again)."""
        session = self.payment.session
        return (
            self.payment.channel == Payment.Channel.COUNTER
            and not self.is_void
            and not self.void_pending
            and session is not None
            and session.is_open
        )


def receipt(payment_id: int) -> Receipt | None:
    """A receipt with everything it prints (5 queries)."""
    payment = (
        Payment.objects.select_related(
            "session__drawer", "taken_by", "void", "void__request__decided_by"
        )
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        return None
    lines = list(
        PaymentLine.objects.filter(payment=payment).select_related(
            "account__customer", "account__premise"
        )
    )
    applications = payment_applications(payment, {line.account_id: line.amount for line in lines})
    tenders = list(Tender.objects.filter(payment=payment))
    void_request = (
        ApprovalRequest.objects.filter(kind=VOID_KIND, payload__payment_id=payment.pk)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-id")
        .first()
    )
    return Receipt(
        payment=payment,
        lines=[ReceiptLine(line, applications[line.account_id]) for line in lines],
        tenders=tenders,
        void_request=void_request,
    )


# -- a closed session --------------------------------------------------------------------------


@dataclass(frozen=True)
class TenderCount:
    label: str
    expected: Decimal
    counted: Decimal

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected


def session_counts(session: DrawerSession) -> list[TenderCount]:
    """Expected against counted per tender, as fixed at the close (no query)."""
    if session.status != DrawerSession.Status.CLOSED:
        return []
    return [
        TenderCount("Cash (float included)", session.expected_cash, session.counted_cash),
        TenderCount("Checks", session.expected_checks, session.counted_checks),
        TenderCount("Money orders", session.expected_money_orders, session.counted_money_orders),
        TenderCount("Cards (terminal batch)", session.expected_cards, session.counted_cards),
    ]


# -- the account page --------------------------------------------------------------------------


def account_recent_payments(account_id: int, *, limit: int = PANEL_PAYMENTS) -> list[PaymentLine]:
    """The account's latest payments with their void and returned marks (one query)."""
    returned = Tender.objects.filter(payment_id=OuterRef("payment_id"), returned__isnull=False)
    return list(
        PaymentLine.objects.filter(account_id=account_id)
        .select_related("payment", "payment__void")
        .annotate(returned=Exists(returned))
        .order_by("-payment__received_at", "-payment_id")[:limit]
    )


# -- the account lookup on the payment page ----------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """What the cashier typed in the lookup box, resolved."""

    account_id: int | None = None  # the one account a scan line or whole number names
    hits: list[SearchHit] = field(default_factory=list)
    error: str = ""
    stub_amount: Decimal | None = None  # the amount due printed on a scanned stub


_DIGITS_TYPED = re.compile(r"^[\d\s-]+$")
_SCAN_LINE_MIN_DIGITS = 20  # fewer digits than a scan line's 23 but too many for an account


def stub_lookup(text: str) -> Lookup | None:
    """The account a scanned stub names, or why the line cannot be read; None if not a stub.

    Checked before the card-number guard: one scan line in ten has a first 19 digits that
    happen to pass the card check digit, and a stub that names an account is no card.
    """
    text = (text or "").strip()[:100]
    if not _DIGITS_TYPED.match(text) or len(re.sub(r"\D", "", text)) < _SCAN_LINE_MIN_DIGITS:
        return None
    try:
        line = parse_scan_line(text)
    except ValidationError as error:
        return Lookup(error=" ".join(error.messages))
    account_id = _account_id_of(line.account_number)
    if account_id is None:
        return Lookup(
            error=f"The scan line names account "
            f"{format_account_number(line.account_number)}, which does not exist."
        )
    return Lookup(account_id=account_id, stub_amount=line.amount)


def counter_lookup(text: str, *, limit: int = 10) -> Lookup:
    """A scan line, an account number (with its check digit) or any counter search text."""
    text = (text or "").strip()[:100]
    if not text:
        return Lookup()
    stub = stub_lookup(text)
    if stub is not None:
        return stub
    if _DIGITS_TYPED.match(text):
        digits = re.sub(r"\D", "", text)
        if 7 <= len(digits) <= 12:
            try:
                number = normalise_account_number(text)
            except ValidationError:
                number = None  # a phone number, or a slip the search below points out
            if number:
                account_id = _account_id_of(number)
                if account_id is not None:
                    return Lookup(account_id=account_id)
    hits = search_accounts(text, limit=limit)
    match = exact_match(hits)
    return Lookup(account_id=match.account_id if match else None, hits=hits)


def _account_id_of(number: str) -> int | None:
    return ServiceAccount.objects.filter(number=number).values_list("pk", flat=True).first()
