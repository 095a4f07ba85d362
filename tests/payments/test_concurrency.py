"""The drawer under concurrency, on real PostgreSQL: real threads, and races made deterministic.

Threads share nothing but the database: each has its own connection (closed when it ends), and
they start together behind a barrier. The payment-versus-close race is not left to the
scheduler: a hook holds one side inside its transaction, after it has locked the session, until
PostgreSQL reports the other side's backend waiting on that lock (pg_blocking_pids).
"""

import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve
from district.ledger.models import Journal
from district.ledger.selectors import account_balance, ledger_problems
from district.ledger.services import Line, journal_post
from payments.counter.denominations import count_total
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    depositable_amount,
    drawer_close,
    drawer_open,
    payment_post,
    session_expected,
    void_request,
)
from payments.counter.services import drawers as counter_drawers
from payments.counter.services import taking as counter_taking
from payments.counter.services import voids as counter_voids
from payments.deposits import services as deposits
from payments.models import (
    BankDeposit,
    BankDepositItem,
    Drawer,
    DrawerSession,
    Payment,
    PaymentVoid,
    Tender,
)
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.factories import opened_drawer
from tests.payments.model import gl_balance, uncounted_payments

FLOAT_COUNT = {"20": 5, "10": 5, "5": 8, "1": 10}  # $200.00, as the open_session fixture
FLOAT = Decimal("200.00")
# How long a test waits for the other thread to reach the expected point before failing.
WAIT_SECONDS = 60


# -- helpers -----------------------------------------------------------------------------------


def _cash(session_id, by, account_id, amount, key) -> Payment:
    amount = Decimal(amount)
    return payment_post(
        session_id=session_id,
        by=by,
        payment=PaymentIn(
            allocations=[(account_id, amount)], tenders=[TenderIn(Tender.Kind.CASH, amount)]
        ),
        idempotency_key=key,
    )


def _run_together(work, count: int) -> list:
    """Run work(position) in `count` threads released at once; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(position):
        try:
            barrier.wait()
            results[position] = work(position)
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[position] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class _Worker(threading.Thread):
    """A thread that runs `work`, keeps its result or exception, and tells its backend's pid."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self.result = None
        self.error: Exception | None = None
        self.pid: int | None = None
        self.has_pid = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.has_pid.set()
            self.result = self.work()
        except Exception as error:  # noqa: BLE001 - reported to the test
            self.error = error
        finally:
            self.has_pid.set()
            close_old_connections()
            connection.close()

    def finish(self):
        self.join(WAIT_SECONDS)
        assert not self.is_alive(), "the worker thread did not finish"
        return self


def _wait_until_blocked_by(waiter: "_Worker", holder: "_Worker") -> None:
    """Poll PostgreSQL (from the test's own connection) until the waiter's backend waits on a
    lock the holder's transaction holds (pg_blocking_pids): here, the session's row lock."""
    _wait(waiter.has_pid, "the waiting thread's connection")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder.pid, waiter.pid])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError(f"backend {waiter.pid} never waited on a lock of {holder.pid}")


def _wait(event: threading.Event, what: str) -> None:
    assert event.wait(WAIT_SECONDS), f"timed out waiting for: {what}"


# -- idempotency under concurrency -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_threads_with_the_same_key_post_one_payment(open_session, cashier, owing_account):
    # given
    key = uuid.uuid4().hex
    # when
    results = _run_together(
        lambda _: _cash(open_session.pk, cashier, owing_account.pk, "45.25", key).pk, 10
    )
    # then
    assert not [result for result in results if isinstance(result, Exception)], results
    assert len(set(results)) == 1
    assert Payment.objects.count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.PAYMENT).count() == 1
    assert account_balance(owing_account.pk) == Decimal("120.50") - Decimal("45.25")
    assert session_expected(open_session)[Tender.Kind.CASH] == FLOAT + Decimal("45.25")
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_two_drawers_at_once_posts_one_payment(drawer, cashier, make_user):
    # given: two open drawers, two cashiers, one account, one key (a replayed form)
    other_cashier = make_user(roles.CSR_II)
    first = drawer_open(drawer=drawer, cashier=cashier, opening_count=FLOAT_COUNT)
    second = opened_drawer(other_cashier, name="Counter 2", opening_count=FLOAT_COUNT)
    account = ServiceAccountFactory()
    post_bill(account, "80.00")
    key = uuid.uuid4().hex
    sessions = [(first.pk, cashier), (second.pk, other_cashier)]
    # when
    results = _run_together(
        lambda n: _cash(sessions[n][0], sessions[n][1], account.pk, "30.00", key), 2
    )
    # then: one posted, the other told the key belongs to another payment
    posted = [result for result in results if isinstance(result, Payment)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(posted) == 1 and len(refused) == 1, results
    assert refused[0].code == "key_reused"
    assert Payment.objects.count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.PAYMENT).count() == 1
    assert account_balance(account.pk) == Decimal("50.00")
    assert ledger_problems() == []


@pytest.mark.django_db
def test_a_used_key_with_a_different_payment_of_the_same_total_is_refused(
    open_session, cashier, owing_account
):
    # given
    other = ServiceAccountFactory()
    post_bill(other, "50.00")
    first = _cash(open_session.pk, cashier, owing_account.pk, "20.00", "reused")
    # when / then: the same key for another account is not the same request
    with pytest.raises(ValidationError) as refused:
        _cash(open_session.pk, cashier, other.pk, "20.00", "reused")
    assert refused.value.code == "key_reused"
    assert Payment.objects.get() == first
    assert account_balance(other.pk) == Decimal("50.00")


@pytest.mark.django_db(transaction=True)
def test_eight_threads_posting_fifty_payments_each_are_all_counted(open_session, cashier):
    # given: eight accounts, one per thread, each owing enough
    threads, per_thread = 8, 50
    accounts = [ServiceAccountFactory() for _ in range(threads)]
    for account in accounts:
        post_bill(account, "50000.00")

    def amount(thread: int, number: int) -> Decimal:
        return Decimal(100 * thread + number + 1) + Decimal(number % 100) / 100

    def work(thread: int) -> list[int]:
        return [
            _cash(
                open_session.pk,
                cashier,
                accounts[thread].pk,
                amount(thread, number),
                f"bulk-{thread}-{number}",
            ).pk
            for number in range(per_thread)
        ]

    # when
    results = _run_together(work, threads)
    # then
    assert not [result for result in results if isinstance(result, Exception)], results
    total = sum(amount(t, n) for t in range(threads) for n in range(per_thread))
    assert Payment.objects.filter(session=open_session).count() == threads * per_thread
    assert session_expected(open_session)[Tender.Kind.CASH] == FLOAT + total
    assert gl_balance("undeposited_funds") == total
    for thread, account in enumerate(accounts):
        paid = sum(amount(thread, n) for n in range(per_thread))
        assert account_balance(account.pk) == Decimal("50000.00") - paid
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_two_drawers_crediting_the_same_accounts_in_opposite_orders_do_not_deadlock(
    drawer, cashier, make_user
):
    # given: two open drawers and two accounts every payment splits between
    other_cashier = make_user(roles.CSR_II)
    sessions = [
        (drawer_open(drawer=drawer, cashier=cashier, opening_count={}), cashier),
        (
            opened_drawer(other_cashier, name="Counter 2"),
            other_cashier,
        ),
    ]
    first, second = ServiceAccountFactory(), ServiceAccountFactory()
    post_bill(first, "1000.00")
    post_bill(second, "1000.00")
    per_thread = 40

    def work(position: int) -> int:
        session, by = sessions[position]
        pair = [(first.pk, Decimal("1.25")), (second.pk, Decimal("2.50"))]
        allocations = pair if position == 0 else pair[::-1]
        for number in range(per_thread):
            payment_post(
                session_id=session.pk,
                by=by,
                payment=PaymentIn(
                    allocations=allocations,
                    tenders=[TenderIn(Tender.Kind.CASH, Decimal("3.75"))],
                ),
                idempotency_key=f"split-{position}-{number}",
            )
        return per_thread

    # when
    results = _run_together(work, 2)
    # then
    assert results == [per_thread, per_thread], results
    assert account_balance(first.pk) == Decimal("1000.00") - 2 * per_thread * Decimal("1.25")
    assert account_balance(second.pk) == Decimal("1000.00") - 2 * per_thread * Decimal("2.50")
    assert gl_balance("undeposited_funds") == 2 * per_thread * Decimal("3.75")
    assert ledger_problems() == []


# -- a payment racing the close ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_payment_holding_the_drawer_lock_is_counted_by_the_close_waiting_for_it(
    open_session, cashier, owing_account, monkeypatch
):
    # given: the payment pauses inside its transaction, the session row locked
    payment_locked, close_waiting = threading.Event(), threading.Event()
    original_write = counter_taking._payment_write

    def paused_write(**kwargs):
        payment_locked.set()
        _wait(close_waiting, "the close to wait on the session lock")
        return original_write(**kwargs)

    monkeypatch.setattr(counter_taking, "_payment_write", paused_write)
    count = CloseCount(cash={**FLOAT_COUNT, "20": FLOAT_COUNT["20"] + 2})  # float + $40.00
    paying = _Worker(lambda: _cash(open_session.pk, cashier, owing_account.pk, "40.00", "race-1"))
    closing = _Worker(lambda: drawer_close(session_id=open_session.pk, by=cashier, count=count))
    # when: the close starts while the payment holds the lock, and blocks on it
    try:
        paying.start()
        _wait(payment_locked, "the payment to lock the session")
        closing.start()
        _wait_until_blocked_by(closing, paying)
    finally:  # never leave the paused thread waiting
        close_waiting.set()
    paying.finish()
    closing.finish()
    # then: the payment landed first and the close counted it
    assert paying.error is None and closing.error is None, (paying.error, closing.error)
    session = DrawerSession.objects.get(pk=open_session.pk)
    assert session.status == DrawerSession.Status.CLOSED
    assert paying.result.session_id == session.pk
    assert session.expected_cash == FLOAT + Decimal("40.00")
    assert session.over_short == Decimal("0.00")
    assert account_balance(owing_account.pk) == Decimal("80.50")
    assert uncounted_payments() == []
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_a_payment_waiting_on_a_close_holding_the_lock_is_refused(
    open_session, cashier, owing_account, monkeypatch
):
    # given: the close pauses inside its transaction, right after it has summed the drawer
    close_locked, payment_waiting = threading.Event(), threading.Event()
    original_expected = counter_drawers.session_expected

    def paused_expected(session):
        expected = original_expected(session)
        close_locked.set()
        _wait(payment_waiting, "the payment to wait on the session lock")
        return expected

    monkeypatch.setattr(counter_drawers, "session_expected", paused_expected)
    count = CloseCount(cash=FLOAT_COUNT)
    closing = _Worker(lambda: drawer_close(session_id=open_session.pk, by=cashier, count=count))
    paying = _Worker(lambda: _cash(open_session.pk, cashier, owing_account.pk, "40.00", "race-2"))
    journals_before = Journal.objects.count()
    # when: the payment arrives while the close holds the lock, and blocks on it
    try:
        closing.start()
        _wait(close_locked, "the close to lock the session")
        paying.start()
        _wait_until_blocked_by(paying, closing)
    finally:  # never leave the paused thread waiting
        payment_waiting.set()
    closing.finish()
    paying.finish()
    # then: the close finished without it and the payment was refused, nothing written
    assert closing.error is None, closing.error
    assert isinstance(paying.error, ValidationError), paying.error
    assert paying.error.code == "drawer_closed"
    assert "closed" in paying.error.messages[0]
    session = DrawerSession.objects.get(pk=open_session.pk)
    assert session.status == DrawerSession.Status.CLOSED
    assert session.expected_cash == FLOAT
    assert not Payment.objects.exists()
    assert Journal.objects.count() == journals_before
    assert not Journal.objects.filter(idempotency_key="payment:race-2").exists()
    assert account_balance(owing_account.pk) == Decimal("120.50")
    assert uncounted_payments() == []
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_a_void_holding_the_drawer_lock_is_seen_by_the_close_waiting_for_it(
    open_session, cashier, supervisor, owing_account, monkeypatch
):
    # given: a payment to void; the approval pauses after locking the session, before reversing
    payment = _cash(open_session.pk, cashier, owing_account.pk, "40.00", "void-race")
    request = void_request(payment_id=payment.pk, by=cashier, reason="Wrong account")
    void_locked, close_waiting = threading.Event(), threading.Event()
    original_reverse = counter_voids.journal_reverse

    def paused_reverse(**kwargs):
        void_locked.set()
        _wait(close_waiting, "the close to wait on the session lock")
        return original_reverse(**kwargs)

    monkeypatch.setattr(counter_voids, "journal_reverse", paused_reverse)
    voiding = _Worker(lambda: approval_approve(request_id=request.pk, by=supervisor))
    closing = _Worker(
        lambda: drawer_close(
            session_id=open_session.pk, by=cashier, count=CloseCount(cash=FLOAT_COUNT)
        )
    )
    # when
    try:
        voiding.start()
        _wait(void_locked, "the void to lock the session")
        closing.start()
        _wait_until_blocked_by(closing, voiding)
    finally:  # never leave the paused thread waiting
        close_waiting.set()
    voiding.finish()
    closing.finish()
    # then: the void landed first and the close expects the drawer without the payment
    assert voiding.error is None and closing.error is None, (voiding.error, closing.error)
    session = DrawerSession.objects.get(pk=open_session.pk)
    assert session.status == DrawerSession.Status.CLOSED
    assert PaymentVoid.objects.filter(payment=payment).exists()
    assert session.expected_cash == FLOAT
    assert session.over_short == Decimal("0.00")
    assert account_balance(owing_account.pk) == Decimal("120.50")
    assert uncounted_payments() == []
    assert ledger_problems() == []


def _wait_until_blocked_or_done(waiter: "_Worker", holder: "_Worker", reached=None) -> None:
    """Wait until the waiter blocks on the holder's lock, finishes, or reaches `reached`."""
    _wait(waiter.has_pid, "the waiting thread's connection")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if not waiter.is_alive() or (reached is not None and reached.is_set()):
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder.pid, waiter.pid])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the waiting thread neither blocked nor finished")


@pytest.mark.django_db(transaction=True)
def test_a_void_requested_while_the_close_holds_the_lock_is_refused(
    open_session, cashier, owing_account, monkeypatch
):
    # given: a payment; the close pauses after it checked for pending voids and summed the drawer
    payment = _cash(open_session.pk, cashier, owing_account.pk, "40.00", "void-vs-close")
    close_locked, release_close = threading.Event(), threading.Event()
    original_expected = counter_drawers.session_expected

    def paused_expected(session):
        expected = original_expected(session)
        close_locked.set()
        _wait(release_close, "the void request to block or finish")
        return expected

    monkeypatch.setattr(counter_drawers, "session_expected", paused_expected)
    count = CloseCount(cash={**FLOAT_COUNT, "20": FLOAT_COUNT["20"] + 2})
    closing = _Worker(lambda: drawer_close(session_id=open_session.pk, by=cashier, count=count))
    asking = _Worker(lambda: void_request(payment_id=payment.pk, by=cashier, reason="Wrong"))
    # when: the void is asked for while the close holds the session
    try:
        closing.start()
        _wait(close_locked, "the close to lock the session")
        asking.start()
        _wait_until_blocked_or_done(asking, closing)
    finally:  # never leave the paused thread waiting
        release_close.set()
    closing.finish()
    asking.finish()
    # then: the drawer closed with the payment counted, and the late void request was refused,
    # leaving no request a supervisor could never approve
    assert closing.error is None, closing.error
    assert DrawerSession.objects.get(pk=open_session.pk).status == DrawerSession.Status.CLOSED
    assert isinstance(asking.error, ValidationError), asking.result
    assert asking.error.code == "drawer_closed"
    assert not ApprovalRequest.objects.filter(status=ApprovalRequest.Status.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_two_void_requests_at_once_file_one_request(
    open_session, cashier, owing_account, monkeypatch
):
    # given: the first request pauses just before it files, after finding none pending
    payment = _cash(open_session.pk, cashier, owing_account.pk, "40.00", "double-void")
    first_filing, second_filing, release = threading.Event(), threading.Event(), threading.Event()
    original_create = counter_voids.approval_request_create

    def paused_create(**kwargs):
        if not first_filing.is_set():
            first_filing.set()
            _wait(release, "the second request to block or file")
        else:
            second_filing.set()
        return original_create(**kwargs)

    monkeypatch.setattr(counter_voids, "approval_request_create", paused_create)
    ask = lambda: void_request(payment_id=payment.pk, by=cashier, reason="Wrong").pk  # noqa: E731
    first, second = _Worker(ask), _Worker(ask)
    # when: a double click, the second request arriving while the first is filing
    try:
        first.start()
        _wait(first_filing, "the first request to reach the filing")
        second.start()
        _wait_until_blocked_or_done(second, first, reached=second_filing)
    finally:  # never leave the paused thread waiting
        release.set()
    first.finish()
    second.finish()
    # then: one pending request, returned to both
    assert first.error is None and second.error is None, (first.error, second.error)
    assert first.result == second.result
    assert ApprovalRequest.objects.filter(kind=counter_voids.VOID_KIND).count() == 1


# -- one open session per drawer and per cashier -----------------------------------------------


@pytest.mark.django_db
def test_a_second_open_session_is_refused_by_the_service(open_session, drawer, cashier, make_user):
    # given
    other_drawer = Drawer.objects.create(name="Counter 2")
    # when / then: the same drawer for another cashier, another drawer for the same cashier
    with pytest.raises(ValidationError, match="already open") as same_drawer:
        drawer_open(drawer=drawer, cashier=make_user(roles.CSR_II), opening_count=FLOAT_COUNT)
    assert same_drawer.value.code == "drawer_busy"
    with pytest.raises(ValidationError, match="already have drawer") as same_cashier:
        drawer_open(drawer=other_drawer, cashier=cashier, opening_count=FLOAT_COUNT)
    assert same_cashier.value.code == "cashier_busy"
    assert DrawerSession.objects.filter(status=DrawerSession.Status.OPEN).count() == 1


@pytest.mark.django_db
def test_a_second_open_session_is_refused_by_the_database(open_session, drawer, cashier, make_user):
    # given
    other_drawer = Drawer.objects.create(name="Counter 2")
    other_cashier = make_user(roles.CSR_II)
    # when / then: raw inserts that skip the service still meet the partial unique constraints
    with pytest.raises(IntegrityError, match="drawer_one_open_session"), transaction.atomic():
        DrawerSession.objects.create(drawer=drawer, cashier=other_cashier, opening_float=FLOAT)
    with pytest.raises(IntegrityError, match="cashier_one_open_session"), transaction.atomic():
        DrawerSession.objects.create(drawer=other_drawer, cashier=cashier, opening_float=FLOAT)
    assert DrawerSession.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_cashiers_opening_one_drawer_at_once_open_it_once(drawer, make_user):
    # given
    cashiers = [make_user(roles.CSR_I), make_user(roles.CSR_II)]
    # when
    results = _run_together(
        lambda n: drawer_open(drawer=drawer, cashier=cashiers[n], opening_count=FLOAT_COUNT), 2
    )
    # then
    assert sum(isinstance(result, DrawerSession) for result in results) == 1, results
    assert sum(isinstance(result, ValidationError) for result in results) == 1, results
    assert DrawerSession.objects.filter(drawer=drawer, status="open").count() == 1


@pytest.mark.django_db
def test_a_closed_drawer_opens_again(open_session, drawer, cashier, make_user):
    # given
    drawer_close(session_id=open_session.pk, by=cashier, count=CloseCount(cash=FLOAT_COUNT))
    # when
    reopened = drawer_open(drawer=drawer, cashier=make_user(roles.CSR_II), opening_count={})
    # then
    assert reopened.status == DrawerSession.Status.OPEN


# -- voids -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_supervisor_cannot_approve_the_void_of_a_payment_they_took(
    drawer, owing_account, make_user
):
    # given: a supervisor working a drawer takes a payment; another supervisor asks to void it
    working = make_user(roles.SUPERVISOR, username="working-supervisor")
    other = make_user(roles.SUPERVISOR, username="other-supervisor")
    session = drawer_open(drawer=drawer, cashier=working, opening_count=FLOAT_COUNT)
    payment = _cash(session.pk, working, owing_account.pk, "50.00", "own-void")
    request = void_request(payment_id=payment.pk, by=other, reason="Keyed to the wrong account")
    # when / then
    with pytest.raises(ValidationError, match="own payment"):
        approval_approve(request_id=request.pk, by=working)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING
    assert not PaymentVoid.objects.exists()
    assert account_balance(owing_account.pk) == Decimal("70.50")
    assert session_expected(session)[Tender.Kind.CASH] == FLOAT + Decimal("50.00")
    assert Journal.objects.filter(kind=Journal.Kind.REVERSAL).count() == 0
    # and the other supervisor, who did not take it, may not decide their own request either
    with pytest.raises(ValidationError, match="your own request"):
        approval_approve(request_id=request.pk, by=other)
    assert not PaymentVoid.objects.exists()


@pytest.mark.django_db
def test_a_void_is_approved_by_a_supervisor_who_neither_took_nor_asked(
    open_session, cashier, supervisor, owing_account
):
    # given
    payment = _cash(open_session.pk, cashier, owing_account.pk, "50.00", "void-ok")
    request = void_request(payment_id=payment.pk, by=cashier, reason="Wrong account")
    # when
    approval_approve(request_id=request.pk, by=supervisor)
    # then
    assert PaymentVoid.objects.filter(payment=payment).exists()
    assert account_balance(owing_account.pk) == Decimal("120.50")
    assert session_expected(open_session)[Tender.Kind.CASH] == FLOAT
    assert ledger_problems() == []


# -- a session goes to the bank once -----------------------------------------------------------


def _closed_session_with_cash(session, cashier, account) -> DrawerSession:
    _cash(session.pk, cashier, account.pk, "60.00", f"deposit-{session.pk}")
    count = CloseCount(cash={**FLOAT_COUNT, "20": FLOAT_COUNT["20"] + 3})  # float + $60.00
    return drawer_close(session_id=session.pk, by=cashier, count=count)


@pytest.mark.django_db
def test_a_session_is_deposited_once_by_the_service(
    open_session, cashier, supervisor, owing_account
):
    # given
    session = _closed_session_with_cash(open_session, cashier, owing_account)
    assert depositable_amount(session) == Decimal("60.00")
    bag = {"20": 3}
    first = deposits.bank_deposit_prepare(
        session_ids=[session.pk],
        batch_ids=[],
        currency_count=bag,
        by=supervisor,
        idempotency_key="deposit-1",
    )
    # when / then: the same key returns the deposit; another key is refused
    again = deposits.bank_deposit_prepare(
        session_ids=[session.pk],
        batch_ids=[],
        currency_count=bag,
        by=supervisor,
        idempotency_key="deposit-1",
    )
    assert again.pk == first.pk
    journals = Journal.objects.count()
    with pytest.raises(ValidationError) as refused:
        deposits.bank_deposit_prepare(
            session_ids=[session.pk],
            batch_ids=[],
            currency_count=bag,
            by=supervisor,
            idempotency_key="deposit-2",
        )
    assert refused.value.code == "deposited"
    assert BankDeposit.objects.count() == 1
    assert BankDepositItem.objects.filter(session=session).count() == 1
    assert Journal.objects.count() == journals
    assert gl_balance("deposits_in_transit") == Decimal("60.00")
    assert gl_balance("undeposited_funds") == Decimal("0.00")
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_two_clerks_depositing_one_session_at_once_deposit_it_once(
    open_session, cashier, owing_account, make_user
):
    # given
    session = _closed_session_with_cash(open_session, cashier, owing_account)
    clerks = [make_user(roles.SUPERVISOR), make_user(roles.SUPERVISOR)]
    # when
    results = _run_together(
        lambda n: deposits.bank_deposit_prepare(
            session_ids=[session.pk],
            batch_ids=[],
            currency_count={"20": 3},
            by=clerks[n],
            idempotency_key=f"at-once-{n}",
        ),
        2,
    )
    # then
    assert sum(isinstance(result, BankDeposit) for result in results) == 1, results
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "deposited", results
    assert BankDepositItem.objects.filter(session=session).count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.BANK_DEPOSIT).count() == 1
    assert gl_balance("deposits_in_transit") == Decimal("60.00")
    assert ledger_problems() == []


@pytest.mark.django_db
def test_a_session_is_deposited_once_by_the_database(
    open_session, cashier, supervisor, owing_account
):
    # given: two deposits written directly, skipping the service
    session = _closed_session_with_cash(open_session, cashier, owing_account)

    def deposit(key: str) -> BankDeposit:
        journal = journal_post(
            kind=Journal.Kind.BANK_DEPOSIT,
            memo=f"Test deposit {key}",
            lines=[
                Line("deposits_in_transit", Decimal("60.00")),
                Line("undeposited_funds", Decimal("-60.00")),
            ],
            by=supervisor,
            idempotency_key=key,
        )
        return BankDeposit.objects.create(
            prepared_by=supervisor,
            currency_count={"20": 3},
            cash_total=count_total({"20": 3}),
            total=Decimal("60.00"),
            journal=journal,
            idempotency_key=key,
        )

    BankDepositItem.objects.create(deposit=deposit("raw-1"), session=session, amount=60)
    second = deposit("raw-2")
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        BankDepositItem.objects.create(deposit=second, session=session, amount=60)
    assert BankDepositItem.objects.filter(session=session).count() == 1
