"""Receipts: what they print, how a payment is applied (oldest charges first), the 80 mm PDF,
voids through the approvals queue, and the page's fixed query count."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.approvals.models import ApprovalRequest
from district.ledger.selectors import account_balance, ledger_problems
from payments.counter import receipts, selectors
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    payment_post,
)
from payments.models import PaymentVoid, Tender
from tests.factories import (
    CustomerFactory,
    PremiseFactory,
    ServiceAccountFactory,
    post_bill,
    post_payment,
)
from tests.payments.factories import opened_drawer

pytestmark = pytest.mark.django_db
D = Decimal


def receipt_url(payment, name="payments:receipt"):
    return reverse(name, args=[payment.pk])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def take(session, by, allocations, tenders, key, payer=""):
    return payment_post(
        session_id=session.pk,
        by=by,
        payment=PaymentIn(allocations=allocations, tenders=tenders, payer_name=payer),
        idempotency_key=key,
    )


# -- application, oldest charges first ---------------------------------------------------------


def test_open_charges_pay_the_oldest_first():
    day = datetime.date(2026, 1, 1)
    lines = [(day, "A", D("40.00")), (day, "B", D("60.00")), (day, "pay", D("-50.00"))]
    assert selectors.open_charges(lines) == ([(day, "B", D("50.00"))], D("0.00"))
    over = [(day, "A", D("40.00")), (day, "pay", D("-55.00"))]
    assert selectors.open_charges(over) == ([], D("15.00"))


def test_payment_application_on_a_case_worked_by_hand(open_session, cashier):
    """Charges $40 (Jan), $60 (Feb), $30 (Mar); a $50 mail payment in February paid January's
    $40 and $10 of February's. Open: Feb $50, Mar $30 (balance $80). A $100 payment pays
    Feb $50, then Mar $30, and leaves $20 as a credit: balance after -$20."""
    # given
    today = timezone.localdate()
    account = ServiceAccountFactory()
    january, february, march = (today - datetime.timedelta(days=d) for d in (90, 60, 30))
    post_bill(account, "40.00", memo="January water bill", on=january)
    post_bill(account, "60.00", memo="February water bill", on=february)
    post_payment(account, "50.00", february + datetime.timedelta(days=10), memo="Mail payment")
    post_bill(account, "30.00", memo="March water bill", on=march)
    # when
    payment = take(
        open_session, cashier, [(account.pk, D("100.00"))],
        [TenderIn(Tender.Kind.CASH, D("100.00"))], "k-hand",
    )  # fmt: skip
    post_bill(account, "25.00", memo="April water bill")  # after the payment: not part of it
    # then
    application = selectors.receipt(payment.pk).lines[0].application
    assert [(c.memo, c.open_before, c.applied, c.open_after) for c in application.charges] == [
        ("February water bill", D("50.00"), D("50.00"), D("0.00")),
        ("March water bill", D("30.00"), D("30.00"), D("0.00")),
    ]
    assert application.to_credit == D("20.00")
    assert (application.balance_before, application.balance_after) == (D("80.00"), D("-20.00"))
    html = signed_in(cashier).get(receipt_url(payment)).content.decode()
    assert "January water bill" not in html and "April water bill" not in html
    assert "February water bill" in html and "Credit balance" in html
    assert "-$20.00" in html


def test_a_partial_payment_leaves_the_newest_charge_open(open_session, cashier):
    today = timezone.localdate()
    account = ServiceAccountFactory()
    post_bill(account, "40.00", memo="Older bill", on=today - datetime.timedelta(days=40))
    post_bill(account, "60.00", memo="Newer bill", on=today - datetime.timedelta(days=10))
    payment = take(
        open_session, cashier, [(account.pk, D("55.00"))],
        [TenderIn(Tender.Kind.CASH, D("55.00"))], "k-partial",
    )  # fmt: skip
    application = selectors.receipt(payment.pk).lines[0].application
    assert [(c.memo, c.applied, c.open_after) for c in application.charges] == [
        ("Older bill", D("40.00"), D("0.00")),
        ("Newer bill", D("15.00"), D("45.00")),
    ]
    assert application.to_credit == D("0.00")
    assert application.balance_after == D("45.00")


# -- the receipt page and PDF ------------------------------------------------------------------


@pytest.fixture
def two_account_payment(open_session, cashier):
    first = ServiceAccountFactory(
        customer=CustomerFactory(first_name="Rosa", last_name="Quintero"),
        premise=PremiseFactory(house_number="4321", street="Juniper Ln"),
    )
    second = ServiceAccountFactory()
    post_bill(first, "80.00", memo="Water bill")
    post_bill(second, "20.00", memo="Sewer bill")
    payment = take(
        open_session,
        cashier,
        [(first.pk, D("80.00")), (second.pk, D("20.00"))],
        [
            TenderIn(Tender.Kind.CHECK, D("60.00"), check_number="1042", bank_name="Valley CU"),
            TenderIn(Tender.Kind.CASH, D("50.00")),
        ],
        "k-receipt",
        payer="Rosa Quintero",
    )
    return payment, first, second


def test_receipt_page_prints_everything(cashier, open_session, two_account_payment):
    # given
    payment, first, second = two_account_payment
    # when
    response = signed_in(cashier).get(receipt_url(payment))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        f"Receipt {payment.receipt_number}",
        open_session.drawer.name,
        "Casey Cashier",
        "Rosa Quintero",
        first.formatted_number,
        second.formatted_number,
        "Quintero, Rosa",
        "4321 Juniper Ln",
        "Check no. 1042, Valley CU",
        "$100.00",  # total
        'data-testid="cash-received">$50.00<',
        'data-testid="change">$10.00<',
        "Sewer bill",
        'data-testid="balance-after">$0.00<',
        "payments/receipt.css",
        "data-print",
        "payments/counter.js",
    ):
        assert text in html, text
    assert "<script>" not in html and "style=" not in html and "onclick" not in html


def test_receipt_css_prints_on_80mm_rolls(client):
    css = Path(finders.find("payments/receipt.css")).read_text()
    assert "@media print" in css
    assert "size: 80mm auto" in css and "margin: 0" in css


def test_receipt_pdf_is_80mm_wide(cashier, two_account_payment):
    # given
    payment, _first, _second = two_account_payment
    # when
    response = signed_in(cashier).get(receipt_url(payment, "payments:receipt_pdf"))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"receipt-{payment.receipt_number}.pdf" in response["Content-Disposition"]
    document = receipts.receipt_document(selectors.receipt(payment.pk))
    eighty_mm_in_css_px = 80 / 25.4 * 96
    assert abs(document.pages[0].width - eighty_mm_in_css_px) < 0.5
    assert "Valley CU" in receipts.receipt_html(selectors.receipt(payment.pk))


def test_receipt_page_query_count_does_not_grow_with_lines(
    cashier, open_session, two_account_payment, django_assert_num_queries
):
    # given: a second receipt with one account and one tender
    small = take(
        open_session, cashier, [(ServiceAccountFactory().pk, D("5.00"))],
        [TenderIn(Tender.Kind.CASH, D("5.00"))], "k-small",
    )  # fmt: skip
    big, _first, _second = two_account_payment
    client = signed_in(cashier)
    for payment in (small, big):
        # request (session, user, groups, two permission reads: 5), then the receipt's 5
        # reads, then the session save (savepoint, update, release)
        with django_assert_num_queries(13):
            assert client.get(receipt_url(payment)).status_code == 200


# -- voids -------------------------------------------------------------------------------------


def test_void_flow_through_the_approvals_queue(
    open_session, cashier, supervisor, two_account_payment
):
    # given
    payment, first, _second = two_account_payment
    cashier_client = signed_in(cashier)
    # when: the cashier requests the void
    response = cashier_client.post(
        receipt_url(payment, "payments:receipt_void"),
        {"reason": "Wrong account", "idempotency_key": "void-key-1"},
    )
    # then: it waits in the queue
    assert response.status_code == 302
    request = ApprovalRequest.objects.get(kind="payment-void")
    assert request.status == "pending" and request.amount == D("100.00")
    html = cashier_client.get(receipt_url(payment)).content.decode()
    assert "Void requested by Casey Cashier" in html
    assert "Request void" not in html
    # and a supervisor approves it on the approvals page
    supervisor_client = signed_in(supervisor)
    assert (
        payment.receipt_number in supervisor_client.get(reverse("approvals:queue")).content.decode()
    )
    decided = supervisor_client.post(
        reverse("approvals:detail", args=[request.pk]),
        {"action": "approve", "approve-reason": "OK"},
    )
    assert decided.status_code == 302
    assert PaymentVoid.objects.filter(payment=payment).exists()
    assert account_balance(first.pk) == D("80.00")
    html = cashier_client.get(receipt_url(payment)).content.decode()
    assert 'data-testid="void-stamp">VOID<' in html
    assert "approved by Sam Lead" in html
    assert ledger_problems() == []


def test_the_cashier_cannot_approve_the_void_of_their_own_payment(make_user, owing_account):
    # given: a supervisor took the payment; a lead asked for the void
    cashier = make_user(roles.SUPERVISOR, username="boss", first_name="Bo", last_name="Boss")
    session = opened_drawer(cashier, name="Counter 9")
    payment = take(
        session, cashier, [(owing_account.pk, D("20.00"))],
        [TenderIn(Tender.Kind.CASH, D("20.00"))], "k-own",
    )  # fmt: skip
    lead = make_user(roles.CSR_III)
    signed_in(lead).post(
        receipt_url(payment, "payments:receipt_void"),
        {"reason": "Duplicate", "idempotency_key": "void-key-2"},
    )
    request = ApprovalRequest.objects.get(kind="payment-void")
    # when
    response = signed_in(cashier).post(
        reverse("approvals:detail", args=[request.pk]), {"action": "approve"}
    )
    # then
    assert response.status_code == 400
    assert "cannot approve the void of their own payment" in response.content.decode()
    assert not PaymentVoid.objects.exists()
    assert ApprovalRequest.objects.get(pk=request.pk).status == "pending"


def test_a_void_needs_a_reason(cashier, two_account_payment):
    payment, _first, _second = two_account_payment
    response = signed_in(cashier).post(
        receipt_url(payment, "payments:receipt_void"), {"reason": "", "idempotency_key": "k"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_a_void_is_refused_once_the_drawer_is_closed(cashier, open_session, two_account_payment):
    # given
    payment, _first, _second = two_account_payment
    drawer_close(session_id=open_session.pk, by=cashier, count=CloseCount(cash={"20": 12}))
    client = signed_in(cashier)
    assert "Request void" not in client.get(receipt_url(payment)).content.decode()
    # when
    response = client.post(
        receipt_url(payment, "payments:receipt_void"),
        {"reason": "Late", "idempotency_key": "void-late"},
    )
    # then
    assert response.status_code == 400
    assert "is closed: the payment can no longer be voided" in response.content.decode()
    assert not ApprovalRequest.objects.filter(kind="payment-void").exists()


def test_a_rejected_void_shows_who_refused_it(cashier, supervisor, two_account_payment):
    from district.approvals.services import approval_reject
    from payments.counter.services import void_request

    payment, _first, _second = two_account_payment
    request = void_request(payment_id=payment.pk, by=cashier, reason="Oops")
    approval_reject(request_id=request.pk, by=supervisor, reason="Customer confirmed it")
    html = signed_in(cashier).get(receipt_url(payment)).content.decode()
    assert "A void was refused by Sam Lead: Customer confirmed it" in html
    assert "Request void" in html  # it may be asked again
