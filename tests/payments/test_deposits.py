"""Bank deposits: two drawers and a mail batch in one bag, every refusal, the slip, the cash day
page and the head cashier's recount after a rejected over/short."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_reject
from district.ledger.models import GLAccount, Journal, JournalLine
from district.ledger.selectors import ledger_problems
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    payment_post,
)
from payments.deposits.selectors import deposit_view
from payments.deposits.services import bank_deposit_prepare, drawer_recount
from payments.deposits.slip import NO_ACCOUNT, deposit_slip_html
from payments.models import BankDeposit, BankDepositItem, DrawerSession, Tender
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.factories import opened_drawer
from tests.payments.samples_deposits import mail_batch, posted_batch

pytestmark = pytest.mark.django_db

FLOAT = {"20": 5, "10": 5, "5": 8, "1": 10}  # $200.00, the open_session fixture's float


def pay(session, by, account, amount, tender: TenderIn, key, payer=""):
    return payment_post(
        session_id=session.pk,
        by=by,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal(amount))], tenders=[tender], payer_name=payer
        ),
        idempotency_key=key,
    )


def cash(amount):
    return TenderIn(Tender.Kind.CASH, Decimal(amount))


def gl_total(purpose: str) -> Decimal:
    lines = JournalLine.objects.filter(gl_account__purpose=purpose)
    return sum((line.amount for line in lines), Decimal("0.00"))


@pytest.fixture
def head(make_user):
    return make_user(roles.CSR_III, username="head", first_name="Hana", last_name="Head")


@pytest.fixture
def owing(db):
    account = ServiceAccountFactory()
    post_bill(account, "500.00")
    return account


@pytest.fixture
def day(open_session, cashier, make_user, owing):
    """Drawer 1: $120.50 cash and a $50.00 check; drawer 2: $19.99 cash and a $30.00 money
    order; both closed balanced. A mail batch of two checks, $75.00 and $25.25."""
    pay(open_session, cashier, owing, "120.50", cash("140.00"), "a1")
    pay(
        open_session,
        cashier,
        owing,
        "50.00",
        TenderIn(Tender.Kind.CHECK, Decimal("50.00"), check_number="101", bank_name="First Bank"),
        "a2",
        payer="Pat Payer",
    )
    first = drawer_close(
        session_id=open_session.pk,
        by=cashier,
        count=CloseCount(
            cash={"100": 1, "20": 6, "10": 5, "5": 8, "1": 10, "coin-0.25": 2},
            checks_total=Decimal("50.00"),
            check_items=1,
        ),
    )
    cashier2 = make_user(roles.CSR_II, username="cashier2")
    second = opened_drawer(cashier2, name="Counter 2", opening_count={"20": 5})
    pay(second, cashier2, owing, "19.99", cash("19.99"), "b1")
    pay(
        second,
        cashier2,
        owing,
        "30.00",
        TenderIn(Tender.Kind.MONEY_ORDER, Decimal("30.00"), reference="MO-7"),
        "b2",
    )
    second = drawer_close(
        session_id=second.pk,
        by=cashier2,
        count=CloseCount(
            cash={"20": 5, "10": 1, "5": 1, "1": 4, "coin-0.25": 3, "coin-0.10": 2, "coin-0.01": 4},
            money_orders_total=Decimal("30.00"),
        ),
    )
    other = ServiceAccountFactory()
    post_bill(other, "200.00")
    batch = mail_batch(
        by=cashier,
        items=[(owing, "75.00", "2001", "Lee Mailer"), (other, "25.25", "2002", "Kim Mailer")],
    )
    return {"sessions": [first, second], "batch": batch}


# $120.50 + $19.99 of currency: a $100, two $20s, a quarter, two dimes and four pennies.
BAG = {"100": 1, "20": 2, "coin-0.25": 1, "coin-0.10": 2, "coin-0.01": 4}


def deposit_all(day, by, *, key="dep-1", count=BAG):
    return bank_deposit_prepare(
        session_ids=[session.pk for session in day["sessions"]],
        batch_ids=[day["batch"].pk],
        currency_count=count,
        by=by,
        idempotency_key=key,
    )


def test_two_drawers_and_a_mail_batch_go_in_one_deposit(day, head):
    # when
    deposit = deposit_all(day, head)
    # then
    assert deposit.total == Decimal("320.74")
    assert deposit.check_total == Decimal("180.25")  # 50 + 30 + 75 + 25.25
    assert deposit.check_count == 4
    assert deposit.cash_total == Decimal("140.49")
    amounts = sorted(item.amount for item in deposit.items.all())
    assert amounts == [Decimal("49.99"), Decimal("100.25"), Decimal("170.50")]
    lines = {
        line.gl_account.purpose: line.amount
        for line in deposit.journal.lines.select_related("gl_account")
    }
    assert deposit.journal.kind == Journal.Kind.BANK_DEPOSIT
    assert lines == {
        "deposits_in_transit": Decimal("320.74"),
        "undeposited_funds": Decimal("-320.74"),
    }
    assert gl_total("undeposited_funds") == 0  # every dollar taken went into the bag
    assert ledger_problems() == []


def test_repeated_key_returns_the_first_deposit(day, head):
    first = deposit_all(day, head)
    again = deposit_all(day, head)
    assert again.pk == first.pk
    assert BankDeposit.objects.count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.BANK_DEPOSIT).count() == 1


def test_same_key_for_other_drawers_is_refused(day, head):
    deposit_all(day, head)
    with pytest.raises(ValidationError, match="already used"):
        bank_deposit_prepare(
            session_ids=[day["sessions"][0].pk],
            batch_ids=[],
            currency_count={},
            by=head,
            idempotency_key="dep-1",
        )


def test_a_session_deposited_twice_is_refused(day, head):
    # given
    deposit_all(day, head)
    journals = Journal.objects.count()
    # when / then
    with pytest.raises(ValidationError, match="already deposited"):
        bank_deposit_prepare(
            session_ids=[day["sessions"][0].pk],
            batch_ids=[],
            currency_count={"100": 1, "20": 1, "coin-0.25": 2},
            by=head,
            idempotency_key="dep-2",
        )
    assert BankDeposit.objects.count() == 1
    assert Journal.objects.count() == journals


def test_the_database_refuses_a_second_deposit_item_for_a_session(day, head):
    deposit = deposit_all(day, head)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankDepositItem.objects.create(
            deposit=deposit, session=day["sessions"][0], amount=Decimal("1.00")
        )


def test_pending_over_short_is_refused(open_session, cashier, head, owing):
    # given: $10.00 short, beyond the $5.00 tolerance
    pay(open_session, cashier, owing, "20.00", cash("20.00"), "p1")
    drawer_close(session_id=open_session.pk, by=cashier, count=CloseCount(cash={**FLOAT, "10": 6}))
    # when / then
    with pytest.raises(ValidationError, match="awaits approval of its over/short"):
        bank_deposit_prepare(
            session_ids=[open_session.pk],
            batch_ids=[],
            currency_count={"10": 1},
            by=head,
            idempotency_key="p-dep",
        )
    assert not BankDeposit.objects.exists()


def test_currency_count_mismatch_is_refused_with_the_difference(day, head):
    journals, lines = Journal.objects.count(), JournalLine.objects.count()
    with pytest.raises(ValidationError, match=r"\$2.00 short of the \$140.49"):
        deposit_all(day, head, count={**BAG, "100": 0, "20": 6, "10": 1, "5": 1, "1": 3})
    assert not BankDeposit.objects.exists()
    assert not BankDepositItem.objects.exists()
    assert (Journal.objects.count(), JournalLine.objects.count()) == (journals, lines)


def test_lockbox_batch_open_drawer_and_nothing_are_refused(open_session, cashier, head, owing):
    lockbox = posted_batch(by=cashier, items=[(owing, "10.00", "9", "Bank")])
    with pytest.raises(ValidationError, match="reaches the bank without us"):
        bank_deposit_prepare(
            session_ids=[],
            batch_ids=[lockbox.pk],
            currency_count={},
            by=head,
            idempotency_key="x1",
        )
    with pytest.raises(ValidationError, match="still open"):
        bank_deposit_prepare(
            session_ids=[open_session.pk],
            batch_ids=[],
            currency_count={},
            by=head,
            idempotency_key="x2",
        )
    with pytest.raises(ValidationError, match="at least one"):
        bank_deposit_prepare(
            session_ids=[], batch_ids=[], currency_count={}, by=head, idempotency_key="x3"
        )
    drawer_close(session_id=open_session.pk, by=cashier, count=CloseCount(cash=FLOAT))
    with pytest.raises(ValidationError, match="nothing to deposit"):
        bank_deposit_prepare(
            session_ids=[open_session.pk],
            batch_ids=[],
            currency_count={},
            by=head,
            idempotency_key="x4",
        )
    assert not BankDeposit.objects.exists()


def test_a_cashier_cannot_prepare_a_deposit(day, cashier):
    with pytest.raises(ValidationError, match="does not allow you to prepare"):
        deposit_all(day, cashier)
    assert not BankDeposit.objects.exists()


def test_slip_lists_each_check_and_renders_as_pdf(day, head, client):
    deposit = deposit_all(day, head)
    html = deposit_slip_html(deposit_view(deposit.pk))
    for number in ("101", "MO-7", "2001", "2002"):
        assert number in html
    assert "Pat Payer" in html and "First Bank" in html
    assert NO_ACCOUNT in html
    assert "$140.49" in html and "$320.74" in html and "Hana Head" in html
    client.force_login(head)
    response = client.get(reverse("payments:deposit_slip_pdf", kwargs={"deposit_id": deposit.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_deposit_pages_make_a_deposit(day, client, make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR, username="boss")
    client.force_login(supervisor)
    page = client.get(reverse("payments:deposit_new"))
    content = page.content.decode()
    assert "Make deposit" in content and "$20 bills" in content and "Quarters" in content
    assert "Counter 2" in content and "$140.49" in content
    key = page.context["form"].initial["idempotency_key"]
    data = {
        "sessions": [str(session.pk) for session in day["sessions"]],
        "batches": [str(day["batch"].pk)],
        "idempotency_key": key,
        "count_100": "1",
        "count_20": "2",
        "count_coin-0_25": "1",
        "count_coin-0_10": "2",
        "count_coin-0_01": "3",  # a penny short
    }
    # when: the bag is a penny short
    refused = client.post(reverse("payments:deposit_new"), data)
    # then
    assert refused.status_code == 200
    assert "$0.01 short of the $140.49" in refused.content.decode()
    assert not BankDeposit.objects.exists()
    # when: recounted
    data["count_coin-0_01"] = "4"
    response = client.post(reverse("payments:deposit_new"), data)
    deposit = BankDeposit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "payments:deposit_detail", kwargs={"deposit_id": deposit.pk}
    )
    detail = client.get(response["Location"]).content.decode()
    assert "In transit" in detail and "2002" in detail
    listing = client.get(reverse("payments:deposit_list")).content.decode()
    assert f"Deposit {deposit.pk}" in listing


def test_cash_day_page_queries_do_not_grow_with_drawers(
    day, head, client, make_user, owing, django_assert_num_queries
):
    client.force_login(head)
    url = reverse("payments:cash_day")
    client.get(url)  # warm the caches (content types, session)
    with django_assert_num_queries(12):
        response = client.get(url)
    content = response.content.decode()
    assert "Counter 1" in content and "Counter 2" in content and "Mail batch" in content
    # given: a deposit and a third drawer, still open, with a payment
    deposit_all(day, head)
    cashier3 = make_user(roles.CSR_I, username="cashier3")
    third = opened_drawer(cashier3, name="Counter 3", opening_count={"20": 5})
    pay(third, cashier3, owing, "5.00", cash("5.00"), "c1")
    with django_assert_num_queries(12):
        response = client.get(url)
    content = response.content.decode()
    assert "Counter 3" in content and "Deposit " in content and "$105.00" in content


# -- the recount -------------------------------------------------------------------------------


@pytest.fixture
def rejected(open_session, cashier, supervisor, owing):
    """Drawer 1 closed $10.00 short; the supervisor rejected the over/short."""
    pay(open_session, cashier, owing, "20.00", cash("20.00"), "r1")
    session = drawer_close(
        session_id=open_session.pk, by=cashier, count=CloseCount(cash={**FLOAT, "10": 6})
    )
    approval_reject(
        request_id=session.over_short_request_id, by=supervisor, reason="Count it again"
    )
    return session


def test_recount_within_tolerance_posts(rejected, head):
    # when: the missing $10 bill is found; $2.00 is still short
    session = drawer_recount(
        session_id=rejected.pk,
        by=head,
        count=CloseCount(cash={**FLOAT, "10": 7, "1": 8}),
        reason="Found a $10 bill under the tray",
    )
    # then
    assert session.over_short == Decimal("-2.00")
    assert session.over_short_state == DrawerSession.OverShort.POSTED
    assert session.over_short_journal.idempotency_key == f"over-short:{session.pk}:1"
    assert gl_total("cash_over_short") == Decimal("2.00")
    assert ledger_problems() == []


def test_recount_beyond_tolerance_asks_again_and_its_approval_posts(rejected, head, supervisor):
    # when
    session = drawer_recount(
        session_id=rejected.pk,
        by=head,
        count=CloseCount(cash={**FLOAT, "10": 6, "1": 12}),  # $8.00 short
        reason="Recounted twice",
    )
    # then
    request = session.over_short_request
    assert session.over_short == Decimal("-8.00")
    assert session.over_short_state == DrawerSession.OverShort.PENDING
    assert request.pk != rejected.over_short_request_id
    assert request.status == ApprovalRequest.Status.PENDING
    assert request.amount == Decimal("8.00")
    with pytest.raises(ValidationError, match="not decided"):
        drawer_recount(session_id=session.pk, by=head, count=CloseCount(cash=FLOAT), reason="again")
    approval_approve(request_id=request.pk, by=supervisor)
    session.refresh_from_db()
    assert session.over_short_state == DrawerSession.OverShort.POSTED
    assert gl_total("cash_over_short") == Decimal("8.00")
    assert ledger_problems() == []


def test_recount_refused_for_own_drawer_and_settled_drawer(rejected, cashier, head):
    with pytest.raises(ValidationError):
        drawer_recount(
            session_id=rejected.pk, by=cashier, count=CloseCount(cash=FLOAT), reason="mine"
        )
    drawer_recount(
        session_id=rejected.pk,
        by=head,
        count=CloseCount(cash={**FLOAT, "10": 7}),
        reason="Found it",
    )
    assert DrawerSession.objects.get(pk=rejected.pk).over_short_state == "none"
    with pytest.raises(ValidationError, match="settled"):
        drawer_recount(
            session_id=rejected.pk, by=head, count=CloseCount(cash=FLOAT), reason="again"
        )
    assert not GLAccount.objects.get(purpose="cash_over_short").lines.exists()


def test_recount_page_records_the_count(rejected, head, client):
    client.force_login(head)
    url = reverse("payments:cash_day_recount", kwargs={"session_id": rejected.pk})
    page = client.get(url)
    assert "Record recount" in page.content.decode()
    data = {f"count_{key}": str(pieces) for key, pieces in FLOAT.items()}
    data.update({"count_10": "7", "reason": "Found it"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert DrawerSession.objects.get(pk=rejected.pk).over_short_state == "none"


def test_a_recount_without_its_reason_is_refused_beside_the_field(rejected, head, client):
    # given
    client.force_login(head)
    url = reverse("payments:cash_day_recount", kwargs={"session_id": rejected.pk})
    data = {f"count_{key}": str(pieces) for key, pieces in FLOAT.items()}
    # when
    response = client.post(url, {**data, "count_10": "7", "reason": "  "})
    # then: the service's refusal, on the reason field; the drawer still awaits its recount
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say why the drawer was recounted." in html
    assert 'aria-invalid="true"' in html
    assert DrawerSession.objects.get(pk=rejected.pk).over_short_state == "pending"


def test_the_head_cashiers_home_panel_counts_drawers(client_for, open_session):
    client = client_for(roles.SUPERVISOR)
    html = client.get("/").content.decode()
    assert "Drawers and deposits" in html
    assert "1 drawer open" in html
    assert "0 closed drawers waiting for a deposit" in html
