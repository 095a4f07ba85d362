"""The drawer's core: open, take payments (tenders, change, idempotency), void, close blind."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import CustomerFlag
from district.approvals.services import approval_approve
from district.errors import ServiceError
from district.ledger.selectors import account_balance, ledger_problems
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    drawer_open,
    payment_post,
    session_expected,
    void_request,
)
from payments.models import DrawerSession, Payment, Tender
from tests.payments.factories import opened_drawer

pytestmark = pytest.mark.django_db


def cash_payment(session, by, account, amount, handed, key):
    return payment_post(
        session_id=session.pk,
        by=by,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal(amount))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal(handed))],
        ),
        idempotency_key=key,
    )


def test_cash_payment_makes_change_and_credits_the_account(open_session, cashier, owing_account):
    payment = cash_payment(open_session, cashier, owing_account, "120.50", "140.00", "k1")
    assert payment.change_given == Decimal("19.50")
    assert payment.tenders.get().amount == Decimal("120.50")
    assert account_balance(owing_account.pk) == Decimal("0.00")
    assert session_expected(open_session)[Tender.Kind.CASH] == Decimal("320.50")
    assert ledger_problems() == []


def test_same_key_posts_once(open_session, cashier, owing_account):
    first = cash_payment(open_session, cashier, owing_account, "20.00", "20.00", "same")
    again = cash_payment(open_session, cashier, owing_account, "20.00", "20.00", "same")
    assert first.pk == again.pk
    assert account_balance(owing_account.pk) == Decimal("100.50")


def test_second_open_session_is_refused(open_session, drawer, cashier, make_user):
    from district import roles

    with pytest.raises(ValidationError, match="already open"):
        drawer_open(drawer=drawer, cashier=make_user(roles.CSR_II), opening_count={})
    with pytest.raises(ValidationError, match="already have drawer"):
        opened_drawer(cashier, name="Counter 2")


def test_check_refused_on_cash_only_account(open_session, cashier, owing_account):
    CustomerFlag.objects.create(
        customer=owing_account.customer, flag=CustomerFlag.Flag.CASH_ONLY, reason="2 NSF"
    )
    with pytest.raises(ValidationError, match="cash only"):
        payment_post(
            session_id=open_session.pk,
            by=cashier,
            payment=PaymentIn(
                allocations=[(owing_account.pk, Decimal("50.00"))],
                tenders=[TenderIn(Tender.Kind.CHECK, Decimal("50.00"), check_number="101")],
            ),
            idempotency_key="k-check",
        )
    assert account_balance(owing_account.pk) == Decimal("120.50")


def test_void_by_supervisor_then_blind_close(open_session, cashier, supervisor, owing_account):
    payment = cash_payment(open_session, cashier, owing_account, "50.00", "50.00", "v1")
    request = void_request(payment_id=payment.pk, by=cashier, reason="Wrong account")
    approval_approve(request_id=request.pk, by=supervisor)
    assert account_balance(owing_account.pk) == Decimal("120.50")
    session = drawer_close(
        session_id=open_session.pk,
        by=cashier,
        count=CloseCount(cash={"20": 5, "10": 5, "5": 8, "1": 8}),
    )
    assert session.status == DrawerSession.Status.CLOSED
    assert session.over_short == Decimal("-2.00")
    assert session.over_short_state == DrawerSession.OverShort.POSTED
    assert ledger_problems() == []


def test_payment_after_close_is_refused(open_session, cashier, owing_account):
    drawer_close(
        session_id=open_session.pk, by=cashier, count=CloseCount(cash=open_session.opening_count)
    )
    with pytest.raises(ValidationError, match="closed"):
        cash_payment(open_session, cashier, owing_account, "10.00", "10.00", "late")


def test_a_money_order_without_its_number_is_refused_naming_the_field(
    open_session, cashier, owing_account
):
    # given: a money order with no number (the rule the counter form alone used to apply)
    payment = PaymentIn(
        allocations=[(owing_account.pk, Decimal("50.00"))],
        tenders=[TenderIn(Tender.Kind.MONEY_ORDER, Decimal("50.00"))],
    )
    # when
    with pytest.raises(ServiceError) as refused:
        payment_post(session_id=open_session.pk, by=cashier, payment=payment, idempotency_key="mo")
    # then: the refusal names the first tender's number field, and nothing was written
    assert refused.value.message_dict == {"check_number_0": ["Enter the money order number."]}
    assert not Payment.objects.exists()
    assert account_balance(owing_account.pk) == Decimal("120.50")


def test_a_money_order_with_its_number_is_taken(open_session, cashier, owing_account):
    payment = payment_post(
        session_id=open_session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(owing_account.pk, Decimal("50.00"))],
            tenders=[TenderIn(Tender.Kind.MONEY_ORDER, Decimal("50.00"), check_number="MO-1")],
        ),
        idempotency_key="mo-ok",
    )
    assert payment.tenders.get().check_number == "MO-1"
    assert account_balance(owing_account.pk) == Decimal("70.50")
