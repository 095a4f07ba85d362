"""The cashiering rules of the ledger check catch money that goes astray."""

from decimal import Decimal

import pgtrigger
import pytest
from django.db import connection

from district.ledger.models import Journal
from district.ledger.selectors import ledger_problems
from district.ledger.services import Line, journal_post
from payments.counter.services import PaymentIn, TenderIn, payment_post
from payments.models import Tender

pytestmark = pytest.mark.django_db


def test_cash_posted_to_undeposited_funds_without_a_drawer_is_reported(open_session):
    journal_post(
        kind=Journal.Kind.PAYMENT,
        memo="Cash with no receipt",
        lines=[
            Line("undeposited_funds", Decimal("10.00")),
            Line("water_sales_fixed", Decimal("-10.00")),
        ],
        by=None,
        idempotency_key="stray-cash",
    )
    assert any("undeposited funds differ" in problem for problem in ledger_problems())


def test_card_payment_waits_in_settlements_due(open_session, cashier, owing_account):
    payment_post(
        session_id=open_session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(owing_account.pk, Decimal("20.00"))],
            tenders=[
                TenderIn(Tender.Kind.CARD, Decimal("20.00"), card_last4="4242", approval_code="A1")
            ],
        ),
        idempotency_key="card-1",
    )
    assert ledger_problems() == []


def test_a_tender_row_that_disagrees_with_its_payment_is_reported(
    open_session, cashier, owing_account
):
    payment = payment_post(
        session_id=open_session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(owing_account.pk, Decimal("20.00"))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal("20.00"))],
        ),
        idempotency_key="cash-1",
    )
    # What a bug or a hand edit could do, past the append-only trigger.
    with pgtrigger.ignore("payments.Tender:tender_append_only"), connection.cursor() as cursor:
        cursor.execute("UPDATE payments_tender SET amount = 19 WHERE payment_id = %s", [payment.pk])
    problems = ledger_problems()
    assert any("tenders do not add up" in problem for problem in problems)
    assert any("undeposited funds differ" in problem for problem in problems)
