"""The daily cash report: a day worked by hand, checked on the page, in the CSV and the PDF."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.approvals.services import approval_approve
from district.ledger.selectors import ledger_problems
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    payment_post,
    void_request,
)
from payments.deposits.daily_cash import NO_DRAWER, daily_cash, daily_cash_csv
from payments.deposits.services import bank_deposit_prepare
from payments.models import Tender
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.samples_deposits import mail_batch

pytestmark = pytest.mark.django_db

D = Decimal


def pay(session, by, account, amount, tender, key):
    return payment_post(
        session_id=session.pk,
        by=by,
        payment=PaymentIn(allocations=[(account.pk, D(amount))], tenders=[tender]),
        idempotency_key=key,
    )


@pytest.fixture
def worked_day(open_session, cashier, supervisor, make_user):
    """Counter 1 ($200.00 float): $120.50 cash, a $50.00 check, a $20.00 cash payment voided;
    closed $2.00 short (posted). A mail batch of checks for $75.00 and $25.25. One deposit of
    everything: $168.50 from the drawer (118.50 cash + 50.00 check) and $100.25 of mail."""
    account = ServiceAccountFactory()
    post_bill(account, "500.00")
    pay(open_session, cashier, account, "120.50", TenderIn(Tender.Kind.CASH, D("120.50")), "d1")
    pay(
        open_session,
        cashier,
        account,
        "50.00",
        TenderIn(Tender.Kind.CHECK, D("50.00"), check_number="555"),
        "d2",
    )
    voided = pay(open_session, cashier, account, "20.00", TenderIn(Tender.Kind.CASH, D("20")), "d3")
    request = void_request(payment_id=voided.pk, by=cashier, reason="Wrong account")
    approval_approve(request_id=request.pk, by=supervisor)
    # Expected cash 200 + 120.50 = 320.50; counted 318.50 ($2.00 short, within tolerance).
    drawer_close(
        session_id=open_session.pk,
        by=cashier,
        count=CloseCount(
            cash={"100": 1, "20": 6, "10": 5, "5": 8, "1": 8, "coin-0.25": 2},
            checks_total=D("50.00"),
            check_items=1,
        ),
    )
    batch = mail_batch(
        by=cashier,
        items=[(account, "75.00", "2001", "Lee"), (account, "25.25", "2002", "Kim")],
    )
    head = make_user(roles.CSR_III, username="head")
    # Cash to deposit: 268.75 - (50 + 75 + 25.25) = 118.50.
    deposit = bank_deposit_prepare(
        session_ids=[open_session.pk],
        batch_ids=[batch.pk],
        currency_count={"100": 1, "10": 1, "5": 1, "1": 3, "coin-0.25": 2},
        by=head,
        idempotency_key="day-dep",
    )
    return {"deposit": deposit, "head": head}


def rows(group):
    return {row.label: (row.count, row.amount) for row in group.rows}


def test_totals_worked_by_hand(worked_day):
    report = daily_cash(timezone.localdate())
    tender, drawer, cashier, channel = report.groups
    assert rows(tender)["Cash"] == (1, D("120.50"))
    assert rows(tender)["Check"] == (3, D("150.25"))
    assert rows(tender)["Money order"] == (0, D("0.00"))
    assert rows(drawer) == {"Counter 1": (2, D("170.50")), NO_DRAWER: (2, D("100.25"))}
    assert rows(cashier) == {"Casey Cashier": (4, D("270.75"))}
    assert rows(channel)["Counter"] == (2, D("170.50"))
    assert rows(channel)["Mail"] == (2, D("100.25"))
    for group in report.groups:
        assert group.total == D("270.75")
    assert report.totals["voids"] == D("20.00") and report.totals["void_count"] == 1
    assert report.totals["gross"] == D("290.75")
    assert report.totals["over_short_posted"] == D("-2.00")
    assert report.totals["deposited"] == D("268.75")
    gl = {row.name: (row.debit, row.credit) for row in report.gl}
    # Payments: undeposited +290.75, AR -290.75; the void: AR +20, undeposited -20;
    # over/short: undeposited -2, over/short +2; deposit: in transit +268.75, undeposited -268.75.
    receivable = next(name for name in gl if "receivable" in name.lower())
    undeposited = next(name for name in gl if "undeposited" in name.lower())
    in_transit = next(name for name in gl if "transit" in name.lower())
    over_short = next(name for name in gl if "over" in name.lower())
    assert gl[receivable] == (D("20.00"), D("290.75"))
    assert gl[undeposited] == (D("290.75"), D("290.75"))
    assert gl[in_transit] == (D("268.75"), D("0.00"))
    assert gl[over_short] == (D("2.00"), D("0.00"))
    assert report.totals["gl_debit"] == report.totals["gl_credit"] == D("581.50")
    assert ledger_problems() == []


def test_csv_parses_back(worked_day):
    text = daily_cash_csv(daily_cash(timezone.localdate()))
    parsed = list(csv.DictReader(io.StringIO(text)))
    totals = {row["group"]: D(row["amount"]) for row in parsed if row["label"] == "Total"}
    assert totals == {key: D("270.75") for key in ("tender", "drawer", "cashier", "channel")}
    voids = [row for row in parsed if row["group"] == "void"]
    assert len(voids) == 1 and D(voids[0]["amount"]) == D("20.00")
    deposits = [row for row in parsed if row["group"] == "deposit"]
    assert [D(row["amount"]) for row in deposits] == [D("268.75")]
    gl = [row for row in parsed if row["group"] == "gl"]
    assert sum(D(row["debit"]) for row in gl) == sum(D(row["credit"]) for row in gl)
    assert sum(D(row["amount"]) for row in gl) == 0


def test_report_page_csv_and_pdf(worked_day, client_for):
    client = client_for(roles.FINANCE)
    url = reverse("payments:daily_cash_report")
    day = timezone.localdate().isoformat()
    page = client.get(url, {"day": day})
    assert page.status_code == 200
    assert "$270.75" in page.content.decode()
    csv_response = client.get(url, {"day": day, "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert f"daily-cash-{day}.csv" in csv_response["Content-Disposition"]
    pdf = client.get(url, {"day": day, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_report_refused_to_a_cashier(client_for):
    client = client_for(roles.CSR_I)
    assert client.get(reverse("payments:daily_cash_report")).status_code == 403


def test_a_bad_day_falls_back_to_today_with_a_message(client_for):
    client = client_for(roles.CSR_III)
    response = client.get(reverse("payments:cash_day"), {"day": "not-a-day"})
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert "Enter a valid date" in response.content.decode()
