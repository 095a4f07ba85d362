"""A reference model of the cashiering books, small enough to be obviously right.

The state machine drives the real services and this model side by side, then compares: each
account's balance, each open drawer's expected cash, checks, money orders and cards, and the
undeposited funds, deposits in transit, settlements due and cash in bank GL balances. The model
itself is plain Python and Decimal; the few reads of the real books it is compared with are at
the end.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from district.ledger.models import JournalLine
from payments.models import DrawerSession, Tender

ZERO = Decimal("0.00")
# Paper the drawer holds and the bank can return.
PAPER = ("check", "money_order")


@dataclass
class SessionModel:
    pk: int
    drawer: int  # index of the drawer
    cashier: int  # index of the cashier
    opening_float: Decimal
    cash: Decimal = ZERO  # cash tenders kept (net of change), float excluded
    checks: Decimal = ZERO
    check_items: int = 0
    money_orders: Decimal = ZERO
    cards: Decimal = ZERO
    is_open: bool = True
    counted_cash: Decimal | None = None  # float included
    counted_checks: Decimal = ZERO
    counted_money_orders: Decimal = ZERO
    over_short: Decimal = ZERO
    over_short_pending: bool = False
    over_short_request: int | None = None
    deposited: bool = False

    @property
    def expected_cash(self) -> Decimal:
        return self.opening_float + self.cash

    @property
    def depositable(self) -> Decimal:
        """What goes to the bank: counted cash less the float, plus the paper counted."""
        counted = (self.counted_cash or ZERO) + self.counted_checks + self.counted_money_orders
        return counted - self.opening_float

    @property
    def currency_to_deposit(self) -> Decimal:
        """The bag's bills and coins: what goes to the bank less the paper tenders listed."""
        return self.depositable - self.checks - self.money_orders


@dataclass
class PaymentModel:
    pk: int
    session: int  # session pk
    key: str
    allocations: tuple[tuple[int, Decimal], ...]  # (account id, amount), in line order
    cash: Decimal  # cash applied (net of change)
    cash_handed: Decimal
    paper: Decimal = ZERO  # a check or money order
    paper_kind: str = ""
    card: Decimal = ZERO
    paper_tender: int | None = None
    voided: bool = False
    void_request: int | None = None  # a void awaiting a supervisor
    returned: bool = False

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.allocations), ZERO)

    @property
    def check(self) -> Decimal:
        return self.paper if self.paper_kind == "check" else ZERO

    @property
    def money_order(self) -> Decimal:
        return self.paper if self.paper_kind == "money_order" else ZERO


@dataclass
class BooksModel:
    balances: dict[int, Decimal]  # account id -> what the customer owes
    undeposited: Decimal = ZERO
    in_transit: Decimal = ZERO
    settlements: Decimal = ZERO
    cash_in_bank: Decimal = ZERO
    nsf_fee: Decimal = Decimal("25.00")
    cash_only_after: int = 2  # returns in 12 months before a customer is flagged cash only
    sessions: dict[int, SessionModel] = field(default_factory=dict)
    payments: dict[int, PaymentModel] = field(default_factory=dict)
    # account id -> returned items of payments with a line on it (one customer per account)
    returns_by_account: dict[int, int] = field(default_factory=dict)
    cash_only: set[int] = field(default_factory=set)

    # -- queries -------------------------------------------------------------------------------

    def open_sessions(self) -> list[SessionModel]:
        return [session for session in self.sessions.values() if session.is_open]

    def drawer_is_open(self, drawer: int) -> bool:
        return any(session.drawer == drawer for session in self.open_sessions())

    def cashier_is_busy(self, cashier: int) -> bool:
        return any(session.cashier == cashier for session in self.open_sessions())

    def voidable(self) -> list[PaymentModel]:
        return [
            payment
            for payment in self.payments.values()
            if not payment.voided and self.sessions[payment.session].is_open
        ]

    def pending_voids(self, session: "SessionModel | None" = None) -> list[PaymentModel]:
        return [
            payment
            for payment in self.payments.values()
            if payment.void_request is not None
            and (session is None or payment.session == session.pk)
        ]

    def depositable_sessions(self) -> list[SessionModel]:
        return [
            session
            for session in self.sessions.values()
            if not session.is_open
            and not session.deposited
            and not session.over_short_pending  # a supervisor decides it first
            and session.depositable > 0
        ]

    def deposited_sessions(self) -> list[SessionModel]:
        return [session for session in self.sessions.values() if session.deposited]

    def returnable(self) -> list[PaymentModel]:
        return [
            payment
            for payment in self.payments.values()
            if payment.paper_tender is not None
            and not payment.voided
            and not payment.returned
            and self.sessions[payment.session].deposited
        ]

    # -- events --------------------------------------------------------------------------------

    def open(self, pk: int, *, drawer: int, cashier: int, opening_float: Decimal) -> None:
        self.sessions[pk] = SessionModel(pk, drawer, cashier, opening_float)

    def _tenders(self, payment: PaymentModel, sign: int) -> None:
        session = self.sessions[payment.session]
        session.cash += sign * payment.cash
        session.checks += sign * payment.check
        session.check_items += sign * (1 if payment.check else 0)
        session.money_orders += sign * payment.money_order
        session.cards += sign * payment.card
        for account_id, amount in payment.allocations:
            self.balances[account_id] -= sign * amount
        self.undeposited += sign * (payment.cash + payment.paper)
        self.settlements += sign * payment.card

    def pay(self, payment: PaymentModel) -> None:
        self.payments[payment.pk] = payment
        self._tenders(payment, +1)

    def void(self, payment: PaymentModel) -> None:
        payment.voided = True
        payment.void_request = None
        self._tenders(payment, -1)

    def close(
        self,
        session: SessionModel,
        *,
        counted_cash: Decimal,
        counted_checks: Decimal,
        counted_money_orders: Decimal,
        tolerance: Decimal,
    ) -> None:
        session.is_open = False
        session.counted_cash = counted_cash
        session.counted_checks = counted_checks
        session.counted_money_orders = counted_money_orders
        session.over_short = (
            (counted_cash - session.expected_cash)
            + (counted_checks - session.checks)
            + (counted_money_orders - session.money_orders)
        )
        if abs(session.over_short) <= tolerance:
            self.undeposited += session.over_short
        else:
            session.over_short_pending = True

    def approve_over_short(self, session: SessionModel) -> None:
        session.over_short_pending = False
        self.undeposited += session.over_short

    def deposit(self, sessions: list[SessionModel]) -> Decimal:
        total = sum((session.depositable for session in sessions), ZERO)
        for session in sessions:
            session.deposited = True
        self.undeposited -= total
        self.in_transit += total
        return total

    def returned(self, payment: PaymentModel, *, fee: bool) -> None:
        """The bank returned the payment's check or money order: its amount goes back on the
        accounts in line order, the fee (unless the bank erred) on the first of them, and the
        bank takes the money back; two returns in 12 months make the customer cash only."""
        payment.returned = True
        remaining = payment.paper
        first = None
        for account_id, amount in payment.allocations:
            take = min(remaining, amount)
            if take > 0:
                first = account_id if first is None else first
                self.balances[account_id] += take
                remaining -= take
        if fee:
            self.balances[first] += self.nsf_fee
        self.cash_in_bank -= payment.paper
        for account_id, _ in payment.allocations:
            self.returns_by_account[account_id] = self.returns_by_account.get(account_id, 0) + 1
        if self.returns_by_account.get(first, 0) >= self.cash_only_after:
            self.cash_only.add(first)


# -- counts and reads of the real books ------------------------------------------------------


def cash_count(amount: Decimal) -> dict[str, int]:
    """A count of bills and coins worth exactly `amount`: hundreds, ones and pennies."""
    dollars = int(amount)
    cents = int((amount - dollars) * 100)
    count = {"100": dollars // 100, "1": dollars % 100, "coin-0.01": cents}
    return {key: pieces for key, pieces in count.items() if pieces}


def gl_balance(purpose: str) -> Decimal:
    """The balance of a GL account: the sum of its journal lines."""
    total = JournalLine.objects.filter(gl_account__purpose=purpose).aggregate(total=Sum("amount"))
    return total["total"] or ZERO


def uncounted_payments() -> list[int]:
    """Payments of a closed session that its close did not count (orphans): every closed
    session's expected cash and checks must equal its float plus its live tenders."""
    orphans = []
    for session in DrawerSession.objects.filter(status=DrawerSession.Status.CLOSED):
        live = Tender.objects.filter(payment__session=session, payment__void__isnull=True)
        cash = live.filter(kind=Tender.Kind.CASH).aggregate(total=Sum("amount"))["total"]
        checks = live.filter(kind=Tender.Kind.CHECK).aggregate(total=Sum("amount"))["total"]
        orders = live.filter(kind=Tender.Kind.MONEY_ORDER).aggregate(total=Sum("amount"))["total"]
        if (
            session.expected_cash != session.opening_float + (cash or ZERO)
            or session.expected_checks != (checks or ZERO)
            or session.expected_money_orders != (orders or ZERO)
        ):
            orphans += list(session.payments.values_list("pk", flat=True))
    return orphans
