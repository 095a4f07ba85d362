"""Counter pages: open a drawer, take payments (lookup, tenders, change, resubmits, refusals),
the blind close and the session's page, and the account page's payments panel."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import CustomerFlag
from accounts.numbers import with_check_digit
from billing.documents.scan_line import scan_line
from district import roles
from district.ledger.selectors import account_balance, ledger_problems
from payments.counter.forms import looks_like_card_number
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    drawer_open,
    payment_post,
)
from payments.models import Drawer, DrawerSession, Payment, Tender
from tests.factories import CustomerFactory, ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db

PAY = reverse("payments:counter_pay")
COUNTER = reverse("payments:counter")


@pytest.fixture
def cashier_client(client, cashier):
    client.force_login(cashier)
    return client


def pay_form(client, *accounts) -> dict:
    """GET the pay page with the accounts on it; returns its key and rows as the form sent."""
    response = client.get(PAY, {"account": [account.pk for account in accounts]})
    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    data = {"idempotency_key": key, "action": "post"}
    for row, account in enumerate(accounts):
        data[f"account_{row}"] = str(account.pk)
    return data


def amounts_shown(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(amount_\d)" value="([^"]*)"', html))


def take_cash(session, by, account, amount, key):
    return payment_post(
        session_id=session.pk,
        by=by,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal(amount))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal(amount))],
        ),
        idempotency_key=key,
    )


# -- opening -----------------------------------------------------------------------------------


def test_open_drawer_page_opens_with_the_counted_float_and_notes_a_difference(
    cashier_client, cashier, drawer
):
    # given
    page = cashier_client.get(COUNTER)
    assert page.status_code == 200
    assert "$200.00" in page.content.decode()  # the standard float, from the policy
    assert 'for="id_count_20"' in page.content.decode()
    # when: $150 counted, not the standard $200
    response = cashier_client.post(
        COUNTER, {"drawer": drawer.pk, "count_20": "5", "count_10": "4", "count_coin-0_25": "40"},
        follow=True,
    )  # fmt: skip
    # then: opened, with a notice (not a refusal)
    session = DrawerSession.objects.get(cashier=cashier, status="open")
    assert session.opening_float == Decimal("150.00")
    assert session.opening_count == {"20": 5, "10": 4, "coin-0.25": 40}
    html = response.content.decode()
    assert "differs from the standard $200.00" in html
    assert f"Cash drawer {drawer.name}" in html
    assert "Take a payment" in html and "Close drawer" in html


def test_open_drawer_refused_when_the_drawer_is_open_by_someone_else(
    cashier_client, cashier, drawer, make_user
):
    # given
    other = make_user(roles.CSR_II, username="other", first_name="Olga", last_name="Other")
    drawer_open(drawer=drawer, cashier=other, opening_count={"20": 10})
    # when
    response = cashier_client.post(COUNTER, {"drawer": drawer.pk, "count_20": "10"})
    # then
    assert response.status_code == 200
    assert "is already open (Olga Other)" in response.content.decode()
    assert not DrawerSession.objects.filter(cashier=cashier).exists()


def test_open_drawer_refuses_a_bad_count_next_to_its_field(cashier_client, cashier, drawer):
    response = cashier_client.post(COUNTER, {"drawer": drawer.pk, "count_20": "-3"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not DrawerSession.objects.exists()


def test_counter_page_lists_receipts_without_totals(
    cashier_client, open_session, cashier, owing_account
):
    # given
    payment = take_cash(open_session, cashier, owing_account, "120.50", "k-list")
    # when
    html = cashier_client.get(COUNTER).content.decode()
    # then: the receipt is listed, but no expected amount (the float plus takings) anywhere
    assert payment.receipt_number in html
    assert owing_account.formatted_number in html
    assert "$320.50" not in html
    assert "xpected" not in html


# -- taking a payment --------------------------------------------------------------------------


def test_pay_page_without_a_drawer_says_to_open_one(cashier_client):
    response = cashier_client.get(PAY)
    assert response.status_code == 200
    assert "no cash drawer open" in response.content.decode()


def test_cash_payment_with_change(cashier_client, open_session, owing_account):
    # given: the amount defaults to what the account owes
    data = pay_form(cashier_client, owing_account)
    html = cashier_client.get(PAY, {"account": owing_account.pk}).content.decode()
    assert amounts_shown(html) == {"amount_0": "120.50"}
    # when
    response = cashier_client.post(
        PAY, {**data, "amount_0": "120.50", "tender_kind_0": "cash", "tender_amount_0": "140"}
    )
    # then
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:receipt", args=[payment.pk])
    assert (payment.cash_received, payment.change_given) == (Decimal("140.00"), Decimal("19.50"))
    assert account_balance(owing_account.pk) == Decimal("0.00")
    receipt_html = cashier_client.get(response["Location"]).content.decode()
    assert "Change due $19.50" in receipt_html  # the message
    assert "$140.00" in receipt_html
    assert ledger_problems() == []


def test_check_totals_shows_the_change_without_posting(cashier_client, open_session, owing_account):
    data = pay_form(cashier_client, owing_account)
    response = cashier_client.post(
        PAY,
        {**data, "action": "check", "amount_0": "20", "tender_kind_0": "cash",
         "tender_amount_0": "50"},
    )  # fmt: skip
    assert response.status_code == 200
    assert re.search(r'data-testid="change-due">\$30.00<', response.content.decode())
    assert not Payment.objects.exists()


def test_split_tender_check_and_cash(cashier_client, open_session, owing_account):
    data = pay_form(cashier_client, owing_account)
    response = cashier_client.post(
        PAY,
        {
            **data,
            "amount_0": "120.50",
            "tender_kind_0": "check",
            "tender_amount_0": "100",
            "check_number_0": "1042",
            "bank_name_0": "Valley Credit Union",
            "tender_kind_1": "cash",
            "tender_amount_1": "25",
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    tenders = {tender.kind: tender for tender in payment.tenders.all()}
    assert tenders["check"].amount == Decimal("100.00")
    assert tenders["check"].check_number == "1042"
    assert tenders["cash"].amount == Decimal("20.50")
    assert payment.change_given == Decimal("4.50")
    assert ledger_problems() == []


def test_money_order_and_card_on_the_terminal(cashier_client, open_session, owing_account):
    data = pay_form(cashier_client, owing_account)
    response = cashier_client.post(
        PAY,
        {
            **data,
            "amount_0": "120.50",
            "tender_kind_0": "money_order",
            "tender_amount_0": "50",
            "check_number_0": "MO-778",
            "tender_kind_1": "card",
            "tender_amount_1": "70.50",
            "card_last4_1": "4242",
            "approval_code_1": "A1B2C3",
        },
    )
    assert response.status_code == 302
    tenders = {tender.kind: tender for tender in Payment.objects.get().tenders.all()}
    assert tenders["money_order"].check_number == "MO-778"
    assert (tenders["card"].card_last4, tenders["card"].approval_code) == ("4242", "A1B2C3")


def test_two_accounts_on_one_receipt(cashier_client, open_session, owing_account):
    # given
    second = ServiceAccountFactory()
    post_bill(second, "45.00")
    html = cashier_client.get(PAY, {"account": [owing_account.pk, second.pk]}).content.decode()
    assert amounts_shown(html) == {"amount_0": "120.50", "amount_1": "45.00"}
    data = pay_form(cashier_client, owing_account, second)
    # when: part of the first, all of the second
    response = cashier_client.post(
        PAY,
        {**data, "amount_0": "100", "amount_1": "45.00", "tender_kind_0": "cash",
         "tender_amount_0": "150"},
    )  # fmt: skip
    # then
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.total == Decimal("145.00")
    assert {line.account_id: line.amount for line in payment.lines.all()} == {
        owing_account.pk: Decimal("100.00"),
        second.pk: Decimal("45.00"),
    }
    assert account_balance(owing_account.pk) == Decimal("20.50")
    assert account_balance(second.pk) == Decimal("0.00")
    assert ledger_problems() == []


def test_removing_an_account_row_keeps_the_others(cashier_client, open_session, owing_account):
    second = ServiceAccountFactory()
    html = cashier_client.get(PAY, {"account": [owing_account.pk, second.pk]}).content.decode()
    remove = f"{PAY}?account={owing_account.pk}".replace("&", "&amp;")
    assert f'href="{remove}"' in html


def test_scan_line_adds_its_account(cashier_client, open_session, owing_account):
    # given: the stub of the bill, scanned
    line = scan_line(owing_account.number, Decimal("120.50"))
    # when
    response = cashier_client.get(PAY, {"find": line})
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{PAY}?account={owing_account.pk}"
    page = cashier_client.get(response["Location"]).content.decode()
    assert owing_account.formatted_number in page
    assert "Stub scanned: amount due on the bill $120.50" in page


def _card_like_stub(amount: Decimal) -> tuple[str, str]:
    """An account number whose stub's first 19 digits pass the card check digit (1 in 10 do)."""
    for n in range(9_100_000, 9_100_100):
        number = with_check_digit(str(n))
        line = scan_line(number, amount)
        if looks_like_card_number(line):
            return number, line
    raise AssertionError("no card-like stub in range")  # pragma: no cover


def test_a_stub_whose_digits_pass_the_card_check_still_adds_its_account(
    cashier_client, open_session
):
    # given: a stub that the card-number guard alone would refuse
    number, line = _card_like_stub(Decimal("88.10"))
    account = ServiceAccountFactory(number=number)
    post_bill(account, "88.10")
    # when
    response = cashier_client.get(PAY, {"find": line})
    # then
    assert response["Location"] == f"{PAY}?account={account.pk}"


def test_a_misread_card_like_stub_says_why_without_showing_the_digits(cashier_client, open_session):
    number, line = _card_like_stub(Decimal("88.10"))
    ServiceAccountFactory(number=number)
    misread = line[:-1] + str((int(line[-1]) + 1) % 10)
    html = cashier_client.get(PAY, {"find": misread}).content.decode()
    assert "check digit does not match" in html
    assert misread not in html and misread.replace(" ", "") not in html


def test_a_misread_scan_line_is_refused_with_its_reason(
    cashier_client, open_session, owing_account
):
    line = scan_line(owing_account.number, Decimal("120.50"))
    misread = line[:-1] + str((int(line[-1]) + 1) % 10)
    response = cashier_client.get(PAY, {"find": misread})
    assert response.status_code == 200
    assert "check digit does not match" in response.content.decode()


def test_an_account_number_typed_with_its_dash_adds_the_account(
    cashier_client, open_session, owing_account
):
    response = cashier_client.get(PAY, {"find": owing_account.formatted_number})
    assert response["Location"] == f"{PAY}?account={owing_account.pk}"


def test_adding_a_second_account_keeps_the_first(cashier_client, open_session, owing_account):
    second = ServiceAccountFactory()
    response = cashier_client.get(PAY, {"account": owing_account.pk, "find": second.number})
    assert response["Location"] == f"{PAY}?account={owing_account.pk}&account={second.pk}"


def test_name_lookup_lists_accounts_to_add_and_htmx_gets_the_fragment(cashier_client, open_session):
    # given
    account = ServiceAccountFactory(
        customer=CustomerFactory(first_name="Rosa", last_name="Quintero")
    )
    # when
    page = cashier_client.get(PAY, {"find": "quintero"})
    fragment = cashier_client.get(PAY, {"find": "quinte"}, HTTP_HX_REQUEST="true")
    # then
    for response in (page, fragment):
        html = response.content.decode()
        assert response.status_code == 200
        assert account.formatted_number in html
        assert f'href="{PAY}?account={account.pk}"' in html
    assert "<html" not in fragment.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "is not an amount of money"),
        ("-5", "Enter an amount above $0.00."),
        ("12.345", "at most two decimals"),
        ("", "Enter the amount paid on this account."),
    ],
)
def test_bad_amounts_re_render_with_messages_and_nothing_written(
    cashier_client, open_session, owing_account, typed, message
):
    data = pay_form(cashier_client, owing_account)
    response = cashier_client.post(
        PAY, {**data, "amount_0": typed, "tender_kind_0": "cash", "tender_amount_0": "20"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert data["idempotency_key"] in response.content.decode()  # the same form, resubmittable
    assert not Payment.objects.exists()
    assert account_balance(owing_account.pk) == Decimal("120.50")


def test_cash_short_of_the_total_is_refused(cashier_client, open_session, owing_account):
    data = pay_form(cashier_client, owing_account)
    response = cashier_client.post(
        PAY, {**data, "amount_0": "50", "tender_kind_0": "cash", "tender_amount_0": "40"}
    )
    assert response.status_code == 200
    assert "$10.00 short" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_check_without_its_number_is_refused_next_to_the_field(
    cashier_client, open_session, owing_account
):
    data = pay_form(cashier_client, owing_account)
    response = cashier_client.post(
        PAY, {**data, "amount_0": "50", "tender_kind_0": "check", "tender_amount_0": "50"}
    )
    html = response.content.decode()
    assert "Enter the check number." in html
    assert 'aria-invalid="true"' in html
    assert not Payment.objects.exists()


def test_a_money_order_without_its_number_is_refused_next_to_the_field(
    cashier_client, open_session, owing_account
):
    # given: the second tender row is a money order with no number
    data = pay_form(cashier_client, owing_account)
    posted = {**data, "amount_0": "50", "tender_kind_0": "cash", "tender_amount_0": "20",
              "tender_kind_1": "money_order", "tender_amount_1": "30"}  # fmt: skip
    # when
    html = cashier_client.post(PAY, posted).content.decode()
    # then: the service's refusal sits on the second row's number field
    assert "Enter the money order number." in html
    assert re.search(r'name="check_number_1"[^>]*aria-invalid="true"', html) or re.search(
        r'aria-invalid="true"[^>]*name="check_number_1"', html
    )
    assert not Payment.objects.exists()


def test_resubmitting_the_same_form_posts_once(cashier_client, open_session, owing_account):
    # given
    data = pay_form(cashier_client, owing_account)
    posted = {**data, "amount_0": "60", "tender_kind_0": "cash", "tender_amount_0": "60"}
    # when: a double click, then back and submit again
    first = cashier_client.post(PAY, posted)
    second = cashier_client.post(PAY, posted)
    third = cashier_client.post(PAY, posted)
    # then
    payment = Payment.objects.get()
    assert first["Location"] == second["Location"] == third["Location"]
    assert first["Location"] == reverse("payments:receipt", args=[payment.pk])
    assert account_balance(owing_account.pk) == Decimal("60.50")
    # a new form has a new key
    assert pay_form(cashier_client, owing_account)["idempotency_key"] != data["idempotency_key"]


def test_a_check_is_refused_for_a_cash_only_account(cashier_client, open_session, owing_account):
    # given
    CustomerFlag.objects.create(
        customer=owing_account.customer, flag=CustomerFlag.Flag.CASH_ONLY, reason="2 NSF"
    )
    page = cashier_client.get(PAY, {"account": owing_account.pk}).content.decode()
    assert "Cash only: no checks" in page  # the warning beside the account
    data = pay_form(cashier_client, owing_account)
    # when
    response = cashier_client.post(
        PAY,
        {**data, "amount_0": "50", "tender_kind_0": "check", "tender_amount_0": "50",
         "check_number_0": "201"},
    )  # fmt: skip
    # then
    assert response.status_code == 200
    assert f"Account {owing_account.formatted_number} is cash only" in response.content.decode()
    assert not Payment.objects.exists()
    assert account_balance(owing_account.pk) == Decimal("120.50")


@pytest.mark.parametrize(
    "field", ["card_last4_0", "approval_code_0", "check_number_1", "bank_name_1", "payer_name"]
)
def test_a_card_number_is_never_stored_nor_shown_back(
    cashier_client, open_session, owing_account, field
):
    # given
    card = "4111 1111 1111 1111"
    data = pay_form(cashier_client, owing_account)
    posted = {
        **data,
        "amount_0": "120.50",
        "tender_kind_0": "card",
        "tender_amount_0": "20.50",
        "card_last4_0": "1111",
        "approval_code_0": "OK1234",
        "tender_kind_1": "check",
        "tender_amount_1": "100",
        "check_number_1": "5001",
        "bank_name_1": "Bank",
    }
    posted[field] = card
    # when
    response = cashier_client.post(PAY, posted)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "4111" not in html.replace(" ", "")
    assert not Payment.objects.exists()
    assert not Tender.objects.exists()


def test_the_pay_form_has_no_card_number_field(cashier_client, open_session, owing_account):
    html = cashier_client.get(PAY, {"account": owing_account.pk}).content.decode()
    assert 'name="card_last4_0"' in html
    assert 'maxlength="4"' in html
    assert "card_number" not in html


# -- the blind close ---------------------------------------------------------------------------


def test_blind_close_shows_no_expected_amount_before_the_count(
    cashier_client, open_session, cashier, owing_account
):
    # given: $200 float + $120.50 cash taken: the drawer should hold $320.50
    take_cash(open_session, cashier, owing_account, "120.50", "k-close")
    url = reverse("payments:counter_close", args=[open_session.pk])
    # when
    html = cashier_client.get(url).content.decode()
    # then
    assert "$320.50" not in html and "$120.50" not in html
    assert "xpected amounts appear after" in html
    assert 'for="id_count_100"' in html and 'for="id_cards_total"' in html


def test_blind_close_posts_the_count_then_shows_expected_against_counted(
    cashier_client, open_session, cashier, owing_account
):
    # given
    take_cash(open_session, cashier, owing_account, "120.50", "k-close2")
    url = reverse("payments:counter_close", args=[open_session.pk])
    # when: $320.00 counted ($0.50 short), no checks
    response = cashier_client.post(
        url,
        {"count_100": "1", "count_20": "10", "count_10": "2", "checks_total": "0",
         "check_items": "0", "money_orders_total": "", "cards_total": "0"},
        follow=True,
    )  # fmt: skip
    # then
    session = DrawerSession.objects.get(pk=open_session.pk)
    assert session.status == "closed"
    assert session.counted_cash == Decimal("320.00")
    assert session.over_short == Decimal("-0.50")
    html = response.content.decode()
    assert "$320.50" in html and "$320.00" in html
    assert "Short by $0.50: posted to cash over/short" in html
    assert ledger_problems() == []
    # and the counter page, with no drawer open, links back to this close
    counter = cashier_client.get(COUNTER).content.decode()
    assert "Open the drawer" in counter
    assert reverse("payments:counter_session", args=[session.pk]) in counter


def test_only_the_drawer_s_cashier_closes_it(client, open_session, make_user):
    client.force_login(make_user(roles.CSR_III))
    url = reverse("payments:counter_close", args=[open_session.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Submit the count" not in response.content.decode()
    client.post(url, {"count_20": "10"})
    assert DrawerSession.objects.get(pk=open_session.pk).status == "open"


def test_close_is_refused_while_a_void_awaits_a_supervisor(
    cashier_client, open_session, cashier, owing_account
):
    from payments.counter.services import void_request

    payment = take_cash(open_session, cashier, owing_account, "20", "k-void-pending")
    void_request(payment_id=payment.pk, by=cashier, reason="Wrong account")
    url = reverse("payments:counter_close", args=[open_session.pk])
    response = cashier_client.post(url, {"count_20": "11"})
    assert response.status_code == 200
    assert "awaits a supervisor" in response.content.decode()
    assert DrawerSession.objects.get(pk=open_session.pk).status == "open"


def _closed_session(cashier, count):
    drawer = Drawer.objects.create(name=f"Counter {count}")
    session = drawer_open(drawer=drawer, cashier=cashier, opening_count={"20": 10})
    for number in range(count):
        account = ServiceAccountFactory()
        take_cash(session, cashier, account, f"{10 + number}.00", f"k-s{count}-{number}")
    return drawer_close(session_id=session.pk, by=cashier, count=CloseCount(cash={"20": 20}))


@pytest.mark.parametrize("receipts", [1, 4])
def test_session_page_query_count_is_fixed(client, make_user, django_assert_num_queries, receipts):
    # given: a lead (balance cash) looks at someone's closed drawer
    cashier = make_user(roles.CSR_I)
    session = _closed_session(cashier, receipts)
    client.force_login(make_user(roles.CSR_III))
    url = reverse("payments:counter_session", args=[session.pk])
    # when / then: 8 for the request (session, user, groups, permissions, the session's
    # savepoint and save), then the drawer session, its receipts, their lines with accounts
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert "Over (+) / short (-)" in response.content.decode()


@pytest.mark.parametrize("role", [roles.CSR_II, roles.FIELD_TECHNICIAN])
def test_session_page_is_hidden_from_other_cashiers(client, make_user, role):
    session = _closed_session(make_user(roles.CSR_I), 1)
    client.force_login(make_user(role))
    html = client.get(reverse("payments:counter_session", args=[session.pk])).content.decode()
    assert "Only the drawer's cashier" in html
    assert "$400.00" not in html


def test_finance_sees_any_drawer_s_close(client, make_user):
    session = _closed_session(make_user(roles.CSR_I), 1)
    client.force_login(make_user(roles.FINANCE))
    html = client.get(reverse("payments:counter_session", args=[session.pk])).content.decode()
    assert "$400.00" in html  # counted: 20 twenties
    assert "$210.00" in html  # expected: the $200 float and a $10 payment


def test_session_page_of_an_open_drawer_shows_no_expected(
    cashier_client, open_session, cashier, owing_account
):
    take_cash(open_session, cashier, owing_account, "120.50", "k-open")
    html = cashier_client.get(
        reverse("payments:counter_session", args=[open_session.pk])
    ).content.decode()
    assert "still open" in html
    assert "$320.50" not in html


# -- the account page --------------------------------------------------------------------------


def test_account_page_panel_lists_recent_payments(
    client, make_user, open_session, cashier, owing_account, django_assert_max_num_queries
):
    # given
    payments = [
        take_cash(open_session, cashier, owing_account, f"{amount}.00", f"k-panel-{amount}")
        for amount in (10, 20)
    ]
    client.force_login(make_user(roles.CSR_II))
    # when
    url = reverse("accounts:account_panel", args=[owing_account.pk, "payments"])
    html = client.get(url).content.decode()
    # then
    panel = html[html.index('data-testid="payments-panel"') :]
    for payment in payments:
        assert reverse("payments:receipt", args=[payment.pk]) in panel
        assert payment.receipt_number in panel
    assert "$20.00" in panel and "Counter" in panel


def test_account_panel_selector_is_one_query(
    open_session, cashier, owing_account, django_assert_num_queries
):
    from payments.counter.selectors import account_recent_payments

    for amount in (10, 20, 30):
        take_cash(open_session, cashier, owing_account, f"{amount}.00", f"k-q-{amount}")
    with django_assert_num_queries(1):
        lines = account_recent_payments(owing_account.pk)
        marks = [(line.payment.receipt_number, line.returned, hasattr(line.payment, "void"))
                 for line in lines]  # fmt: skip
    assert len(marks) == 3
    assert [line.amount for line in lines] == [Decimal("30.00"), Decimal("20.00"), Decimal("10.00")]


@pytest.mark.parametrize("receipts", [1, 3])
def test_counter_page_query_count_is_fixed(
    cashier_client, open_session, cashier, django_assert_num_queries, receipts
):
    for number in range(receipts):
        take_cash(open_session, cashier, ServiceAccountFactory(), "10.00", f"k-c-{number}")
    # request (5), the policy, the open session, its receipts, their lines with accounts, the
    # menu's and the session's saves (3)
    with django_assert_num_queries(12):
        response = cashier_client.get(COUNTER)
    assert response.content.decode().count("/payments/receipts/") == receipts


# -- menu and admin ----------------------------------------------------------------------------


def test_the_cash_drawer_menu_entry_is_for_cashiers(client, make_user):
    client.force_login(make_user(roles.CSR_I))
    assert f'href="{COUNTER}"' in client.get("/").content.decode()
    client.force_login(make_user(roles.FIELD_TECHNICIAN))
    assert f'href="{COUNTER}"' not in client.get("/").content.decode()


def test_admin_adds_renames_and_retires_drawers_but_never_deletes(admin_client, drawer):
    # add
    response = admin_client.post(
        "/admin/payments/drawer/add/", {"name": "Counter 2", "location": "", "is_active": "on"}
    )
    assert response.status_code == 302
    # rename and take out of service
    response = admin_client.post(
        f"/admin/payments/drawer/{drawer.pk}/change/",
        {"name": "Front counter", "location": "Lobby"},
    )
    assert response.status_code == 302
    drawer.refresh_from_db()
    assert (drawer.name, drawer.is_active) == ("Front counter", False)
    assert admin_client.get(f"/admin/payments/drawer/{drawer.pk}/delete/").status_code == 403
    assert Drawer.objects.count() == 2


def test_admin_shows_payments_read_only(admin_client, open_session, cashier, owing_account):
    payment = take_cash(open_session, cashier, owing_account, "20.00", "k-admin")
    page = admin_client.get(f"/admin/payments/payment/{payment.pk}/change/")
    assert page.status_code == 200
    assert 'name="total"' not in page.content.decode()
    assert admin_client.get("/admin/payments/payment/add/").status_code == 403
    assert admin_client.get(f"/admin/payments/payment/{payment.pk}/delete/").status_code == 403


def test_a_card_number_typed_in_the_lookup_is_not_searched_nor_shown_back(
    cashier_client, open_session
):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = cashier_client.get(PAY, {"find": "4111-1111-1111-1111"}, **headers)
        html = response.content.decode()
        assert response.status_code == 200
        assert "looks like a card number" in html
        assert "4111" not in html


@pytest.mark.parametrize("accounts", [1, 3])
def test_pay_page_query_count_is_fixed(
    cashier_client, open_session, django_assert_num_queries, accounts
):
    rows = [ServiceAccountFactory() for _ in range(accounts)]
    # request (5), the open session, the accounts, their balances, cash-only flags, the
    # session's save (3)
    with django_assert_num_queries(12):
        response = cashier_client.get(PAY, {"account": [account.pk for account in rows]})
    assert response.content.decode().count('data-testid="pay-account"') == accounts


def test_the_home_page_shows_the_cashiers_drawer(client, cashier, open_session):
    client.force_login(cashier)
    html = client.get("/").content.decode()
    assert "Your cash drawer" in html
    assert reverse("payments:counter_close", kwargs={"session_id": open_session.pk}) in html


def test_the_home_page_offers_to_open_a_drawer(client_for):
    html = client_for(roles.CSR_I).get("/").content.decode()
    assert "You have no cash drawer open." in html
    assert reverse("payments:counter") in html
