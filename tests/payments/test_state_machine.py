"""A hypothesis state machine over the cash drawer's life: open (refused when the drawer or the
cashier is busy), pay (cash with change, check, money order, card, alone or with cash; refused
at another cashier's or a closed drawer, and by check when the customer is cash only), pay again
with a used key, void (approved, rejected or left pending, which holds the close), close
(balanced, or off in cash or checks within the $5.00 tolerance or beyond it), approve the
difference, deposit closed drawers (a retried key returns the deposit, a second deposit is
refused), and the bank returning a check or money order (NSF fee, cash only after two).

Each step drives the real services on PostgreSQL and a small reference model (tests/payments/
model.py) side by side; after every step the books must pass the ledger self-check (deferred
constraints fired too) and agree with the model. Each example runs in a savepoint rolled back
at its end, so every example starts from the same books.
"""

import functools
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from district import roles
from district.approvals.services import approval_approve, approval_reject
from district.ledger.models import Journal
from district.ledger.selectors import account_balances, ledger_problems
from district.policies import policy_value
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    drawer_open,
    payment_post,
    session_check_items,
    session_expected,
    void_request,
)
from payments.deposits import services as deposits
from payments.models import Drawer, DrawerSession, Payment, PaymentVoid, Tender
from payments.returns import services as returns
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.model import (
    PAPER,
    ZERO,
    BooksModel,
    PaymentModel,
    cash_count,
    gl_balance,
    uncounted_payments,
)

FLOATS = [{"20": 5, "10": 5, "5": 8, "1": 10}, {"20": 2, "5": 2, "coin-0.25": 4}, {}]
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400.00"), places=2)
# Cash counted at the close minus cash expected: balanced, within the $5.00 tolerance, beyond it.
OFFSETS = [ZERO, ZERO, ZERO, Decimal("0.01"), Decimal("-0.25"), Decimal("5.00")]
OFFSETS += [Decimal("-5.00"), Decimal("7.50"), Decimal("-12.00")]
# A supervisor's answer to a void request; "later" leaves it pending (the close must wait).
DECISIONS = ["approve", "reject", "approve", "later"]
# The tender other than cash on a payment ("" for cash alone).
NON_CASH = ["", "check", "check", "money_order", "card"]
MISCOUNTED = ["cash", "cash", "checks"]  # which total the offset lands on
CHANGE = [ZERO, ZERO, Decimal("0.50"), Decimal("20.00")]
# Why the bank returned a check; the district's fee is charged for all but "other".
RETURN_REASONS = ["nsf", "nsf", "closed", "other"]
OPENING_CHARGE = Decimal("2000.00")


class World:
    """What every example starts from (made once per test, outside the examples)."""

    def __init__(self, make_user):
        # The second cashier is a supervisor working a drawer (who may approve others' voids).
        self.cashiers = [make_user(roles.CSR_I), make_user(roles.SUPERVISOR)]
        self.supervisors = [make_user(roles.SUPERVISOR), make_user(roles.SUPERVISOR)]
        self.drawers = [Drawer.objects.create(name=f"Counter {n}") for n in (1, 2)]
        self.accounts = [ServiceAccountFactory() for _ in range(3)]
        for account in self.accounts:
            post_bill(account, OPENING_CHARGE)
        self.account_ids = [account.pk for account in self.accounts]


class CashieringMachine(RuleBasedStateMachine):
    world: World  # set by the test before the run

    def __init__(self):
        super().__init__()
        world = self.world
        self.tolerance = policy_value("drawer-over-short-tolerance")
        self.model = BooksModel(
            balances=account_balances(world.account_ids),
            undeposited=gl_balance("undeposited_funds"),
            in_transit=gl_balance("deposits_in_transit"),
            settlements=gl_balance("settlements_due"),
            cash_in_bank=gl_balance("cash_in_bank"),
            nsf_fee=policy_value("nsf-fee"),
            cash_only_after=policy_value("nsf-returns-cash-only"),
        )
        self.keys = itertools.count()
        # Last: every example's writes happen inside this savepoint, rolled back at teardown.
        self.example = transaction.atomic()
        self.example.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    def key(self, what: str) -> str:
        return f"{what}-{next(self.keys)}"

    # -- drawers -------------------------------------------------------------------------------

    @rule(drawer=st.integers(0, 1), cashier=st.integers(0, 1), count=st.sampled_from(FLOATS))
    def open_drawer(self, drawer, cashier, count):
        busy = self.model.drawer_is_open(drawer) or self.model.cashier_is_busy(cashier)
        before = DrawerSession.objects.count()
        if busy:
            with pytest.raises(ValidationError) as refused:
                drawer_open(
                    drawer=self.world.drawers[drawer],
                    cashier=self.world.cashiers[cashier],
                    opening_count=count,
                )
            assert refused.value.code in {"drawer_busy", "cashier_busy"}
            assert DrawerSession.objects.count() == before
            return
        session = drawer_open(
            drawer=self.world.drawers[drawer],
            cashier=self.world.cashiers[cashier],
            opening_count=count,
        )
        self.model.open(
            session.pk, drawer=drawer, cashier=cashier, opening_float=session.opening_float
        )

    # -- payments ------------------------------------------------------------------------------

    @precondition(lambda self: self.model.open_sessions())
    @rule(data=st.data())
    def pay(self, data):
        session = data.draw(st.sampled_from(self.model.open_sessions()), label="session")
        account_ids = data.draw(
            st.lists(st.sampled_from(self.world.account_ids), min_size=1, max_size=2, unique=True),
            label="accounts",
        )
        amounts = data.draw(
            st.lists(AMOUNTS, min_size=len(account_ids), max_size=len(account_ids)),
            label="amounts",
        )
        allocations = tuple(zip(account_ids, amounts, strict=True))
        total = sum((amount for _, amount in allocations), ZERO)
        # One tender other than cash (or none), alone or with cash making up the rest.
        kind = data.draw(st.sampled_from(NON_CASH), label="tender")
        part = ZERO
        if kind:
            part = total
            if total >= Decimal("0.02") and data.draw(st.booleans(), label="with cash"):
                part = data.draw(
                    st.decimals(
                        min_value=Decimal("0.01"), max_value=total - Decimal("0.01"), places=2
                    ),
                    label="part",
                )
        cash = total - part
        change = data.draw(st.sampled_from(CHANGE), label="change") if cash else ZERO
        paid = PaymentModel(
            pk=0,
            session=session.pk,
            key=self.key("pay"),
            allocations=allocations,
            cash=cash,
            cash_handed=cash + change,
            paper=part if kind in PAPER else ZERO,
            paper_kind=kind if kind in PAPER else "",
            card=part if kind == Tender.Kind.CARD else ZERO,
        )
        post = functools.partial(
            payment_post,
            session_id=session.pk,
            by=self.world.cashiers[session.cashier],
            payment=PaymentIn(allocations=allocations, tenders=_tenders_in(paid)),
            idempotency_key=paid.key,
        )
        if paid.check and set(account_ids) & self.model.cash_only:
            with pytest.raises(ValidationError) as refused:
                post()
            assert refused.value.code == "cash_only"
            assert not Payment.objects.filter(idempotency_key=paid.key).exists()
            return
        payment = post()
        assert payment.total == total
        assert payment.change_given == change
        paid.pk = payment.pk
        if paid.paper_kind:
            paid.paper_tender = payment.tenders.get(kind=paid.paper_kind).pk
        self.model.pay(paid)

    @precondition(lambda self: self.model.payments)
    @rule(data=st.data())
    def pay_again_with_a_used_key(self, data):
        """A double click or a retried request: the first payment comes back, nothing new."""
        paid = data.draw(st.sampled_from(sorted(self.model.payments.values(), key=_pk)))
        session = self.model.sessions[paid.session]
        tenders = _tenders_in(paid)
        payments_before = Payment.objects.count()
        journals_before = Journal.objects.count()
        again = payment_post(
            session_id=session.pk,
            by=self.world.cashiers[session.cashier],
            payment=PaymentIn(allocations=paid.allocations, tenders=tenders),
            idempotency_key=paid.key,
        )
        assert again.pk == paid.pk
        assert Payment.objects.count() == payments_before
        assert Journal.objects.count() == journals_before

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data())
    def pay_where_refused(self, data):
        """At another cashier's open drawer, or at a closed one: refused, nothing written."""
        session = data.draw(st.sampled_from(sorted(self.model.sessions.values(), key=_pk)))
        cashier = session.cashier if not session.is_open else 1 - session.cashier
        key = self.key("refused")
        journals_before = Journal.objects.count()
        with pytest.raises(ValidationError) as refused:
            payment_post(
                session_id=session.pk,
                by=self.world.cashiers[cashier],
                payment=PaymentIn(
                    allocations=[(self.world.account_ids[0], Decimal("10.00"))],
                    tenders=[TenderIn(Tender.Kind.CASH, Decimal("10.00"))],
                ),
                idempotency_key=key,
            )
        assert refused.value.code == ("not_your_drawer" if session.is_open else "drawer_closed")
        assert not Payment.objects.filter(idempotency_key=key).exists()
        assert Journal.objects.count() == journals_before

    # -- voids ---------------------------------------------------------------------------------

    @precondition(lambda self: self.model.voidable())
    @rule(data=st.data(), supervisor=st.integers(0, 1), decision=st.sampled_from(DECISIONS))
    def void(self, data, supervisor, decision):
        """The cashier asks for a void; a supervisor approves or rejects it, now or later."""
        paid = data.draw(st.sampled_from(self.model.voidable()), label="payment")
        session = self.model.sessions[paid.session]
        request = void_request(
            payment_id=paid.pk, by=self.world.cashiers[session.cashier], reason="Wrong account"
        )
        if paid.void_request is not None:
            assert request.pk == paid.void_request  # asked again: the pending request
        paid.void_request = request.pk
        self.decide_void(paid, supervisor, decision)

    @precondition(lambda self: self.model.pending_voids())
    @rule(data=st.data(), supervisor=st.integers(0, 1), decision=st.sampled_from(DECISIONS[:2]))
    def decide_pending_void(self, data, supervisor, decision):
        paid = data.draw(st.sampled_from(self.model.pending_voids()), label="payment")
        self.decide_void(paid, supervisor, decision)

    def decide_void(self, paid: PaymentModel, supervisor: int, decision: str) -> None:
        by = self.world.supervisors[supervisor]
        if decision == "approve":
            # Never the cashier who took it (and asked), even one who is a supervisor.
            cashier = self.world.cashiers[self.model.sessions[paid.session].cashier]
            with pytest.raises(ValidationError):
                approval_approve(request_id=paid.void_request, by=cashier)
            approval_approve(request_id=paid.void_request, by=by)
            self.model.void(paid)
        elif decision == "reject":
            approval_reject(request_id=paid.void_request, by=by, reason="The receipt is right")
            paid.void_request = None
            assert not PaymentVoid.objects.filter(payment_id=paid.pk).exists()

    # -- the close -----------------------------------------------------------------------------

    @precondition(lambda self: self.model.open_sessions())
    @rule(data=st.data(), offset=st.sampled_from(OFFSETS), miscounted=st.sampled_from(MISCOUNTED))
    def close(self, data, offset, miscounted):
        session = data.draw(st.sampled_from(self.model.open_sessions()), label="session")
        if self.model.pending_voids(session):
            with pytest.raises(ValidationError) as refused:
                drawer_close(
                    session_id=session.pk,
                    by=self.world.cashiers[session.cashier],
                    count=CloseCount(cash=cash_count(session.expected_cash)),
                )
            assert refused.value.code == "void_pending"
            assert DrawerSession.objects.get(pk=session.pk).status == DrawerSession.Status.OPEN
            return
        counted, counted_checks = session.expected_cash, session.checks
        if miscounted == "cash" and counted + offset >= 0:
            counted += offset
        elif miscounted == "checks" and counted_checks + offset >= 0:
            counted_checks += offset
        closed = drawer_close(
            session_id=session.pk,
            by=self.world.cashiers[session.cashier],
            count=CloseCount(
                cash=cash_count(counted),
                checks_total=counted_checks,
                check_items=session.check_items,
                money_orders_total=session.money_orders,
                cards_total=session.cards,
            ),
        )
        self.model.close(
            session,
            counted_cash=counted,
            counted_checks=counted_checks,
            counted_money_orders=session.money_orders,
            tolerance=self.tolerance,
        )
        assert closed.status == DrawerSession.Status.CLOSED
        assert closed.expected_cash == session.expected_cash
        assert closed.expected_checks == session.checks
        assert closed.expected_money_orders == session.money_orders
        assert closed.expected_cards == session.cards
        assert closed.counted_cash == counted
        assert closed.over_short == session.over_short
        if session.over_short_pending:
            assert closed.over_short_state == DrawerSession.OverShort.PENDING
            session.over_short_request = closed.over_short_request_id
        elif session.over_short:
            assert closed.over_short_state == DrawerSession.OverShort.POSTED
        else:
            assert closed.over_short_state == DrawerSession.OverShort.NONE

    @precondition(lambda self: any(s.over_short_pending for s in self.model.sessions.values()))
    @rule(data=st.data(), supervisor=st.integers(0, 1))
    def approve_over_short(self, data, supervisor):
        pending = [s for s in self.model.sessions.values() if s.over_short_pending]
        session = data.draw(st.sampled_from(pending), label="session")
        approval_approve(
            request_id=session.over_short_request, by=self.world.supervisors[supervisor]
        )
        self.model.approve_over_short(session)

    # -- the bank ------------------------------------------------------------------------------

    @precondition(lambda self: self.model.depositable_sessions())
    @rule(data=st.data(), supervisor=st.integers(0, 1))
    def deposit(self, data, supervisor):
        sessions = data.draw(
            st.lists(
                st.sampled_from(self.model.depositable_sessions()),
                min_size=1,
                max_size=3,
                unique_by=_pk,
            ),
            label="sessions",
        )
        # The bag's currency: what the sessions send less the check tenders listed on the slip.
        currency = sum((session.currency_to_deposit for session in sessions), ZERO)
        key = self.key("deposit")
        prepare = functools.partial(
            deposits.bank_deposit_prepare,
            session_ids=[session.pk for session in sessions],
            batch_ids=[],
            by=self.world.supervisors[supervisor],
            idempotency_key=key,
        )
        if currency < 0:  # counted short of the float: the checks exceed what is deposited
            with pytest.raises(ValidationError) as refused:
                prepare(currency_count={})
            assert refused.value.code == "checks_exceed"
            return
        deposit = prepare(currency_count=cash_count(currency))
        total = self.model.deposit(sessions)
        assert deposit.total == total
        assert deposit.cash_total == currency
        # A retried request returns the same deposit and posts nothing more.
        journals_before = Journal.objects.count()
        assert prepare(currency_count=cash_count(currency)).pk == deposit.pk
        assert Journal.objects.count() == journals_before

    @precondition(lambda self: self.model.deposited_sessions())
    @rule(data=st.data())
    def deposit_a_deposited_drawer_again(self, data):
        session = data.draw(st.sampled_from(self.model.deposited_sessions()), label="session")
        journals_before = Journal.objects.count()
        with pytest.raises(ValidationError) as refused:
            deposits.bank_deposit_prepare(
                session_ids=[session.pk],
                batch_ids=[],
                currency_count=cash_count(max(session.currency_to_deposit, ZERO)),
                by=self.world.supervisors[0],
                idempotency_key=self.key("deposit-again"),
            )
        assert refused.value.code == "deposited"
        assert Journal.objects.count() == journals_before

    @precondition(lambda self: self.model.returnable())
    @rule(data=st.data(), supervisor=st.integers(0, 1), reason=st.sampled_from(RETURN_REASONS))
    def check_returned_unpaid(self, data, supervisor, reason):
        paid = data.draw(st.sampled_from(self.model.returnable()), label="payment")
        returns.returned_item_record(
            tender_id=paid.paper_tender,
            reason=reason,
            returned_on=timezone.localdate(),
            by=self.world.supervisors[supervisor],
        )
        self.model.returned(paid, fee=reason != "other")

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def the_ledger_checks_out(self):
        with connection.cursor() as cursor:
            # Fire the deferred checks (each journal balances) now: the example never commits.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        assert ledger_problems() == []

    @invariant()
    def balances_match_the_model(self):
        assert account_balances(self.world.account_ids) == self.model.balances

    @invariant()
    def open_drawers_expect_what_the_model_expects(self):
        for session in self.model.open_sessions():
            row = DrawerSession.objects.get(pk=session.pk)
            expected = session_expected(row)
            assert expected[Tender.Kind.CASH] == session.expected_cash
            assert expected[Tender.Kind.CHECK] == session.checks
            assert expected[Tender.Kind.MONEY_ORDER] == session.money_orders
            assert expected[Tender.Kind.CARD] == session.cards
            assert session_check_items(row) == session.check_items

    @invariant()
    def gl_balances_match_the_model(self):
        assert gl_balance("undeposited_funds") == self.model.undeposited
        assert gl_balance("deposits_in_transit") == self.model.in_transit
        assert gl_balance("settlements_due") == self.model.settlements
        assert gl_balance("cash_in_bank") == self.model.cash_in_bank

    @invariant()
    def no_payment_is_orphaned_by_a_close(self):
        assert uncounted_payments() == []


def _pk(item) -> int:
    return item.pk


def _tenders_in(paid: PaymentModel) -> list[TenderIn]:
    """The tenders as the cashier enters them (cash as handed over, before change)."""
    tenders = []
    if paid.check:
        tenders.append(TenderIn(Tender.Kind.CHECK, paid.check, check_number="1001"))
    if paid.money_order:
        tenders.append(TenderIn(Tender.Kind.MONEY_ORDER, paid.money_order, reference="MO-77"))
    if paid.card:
        tenders.append(
            TenderIn(Tender.Kind.CARD, paid.card, card_last4="4242", approval_code="A1B2C3")
        )
    if paid.cash:
        tenders.append(TenderIn(Tender.Kind.CASH, paid.cash_handed))
    return tenders


@pytest.mark.django_db
def test_cashiering_state_machine(make_user):
    CashieringMachine.world = World(make_user)
    run_state_machine_as_test(
        CashieringMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=30,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
