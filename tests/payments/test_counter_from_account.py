"""Money reachable from the account: "Take payment" on the account page and on each search
result, the payment opened with the account chosen (or the drawer opened first and back),
several accounts on one receipt, cash as the first tender with one tender row shown, and the
deposit collected as its own line."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.deposits.selectors import deposit_held
from accounts.models import ServiceAccount
from district import roles
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance
from payments.counter.services import PaymentIn, TenderIn, payment_post
from payments.models import DrawerSession, Payment, Tender
from tests.accounts.factories import charged_deposit
from tests.factories import ServiceAccountFactory

pytestmark = pytest.mark.django_db

PAY = reverse("payments:counter_pay")
COUNTER = reverse("payments:counter")


def _take_payment_link(html: str) -> str | None:
    match = re.search(r'<a [^>]*data-shortcut="p"[^>]*>Take payment</a>', html)
    return match.group(0) if match else None


# -- the account page and the search results ---------------------------------------------------


def test_the_account_page_offers_take_payment_with_its_shortcut(client, cashier, owing_account):
    # given
    client.force_login(cashier)
    # when
    html = client.get(reverse("accounts:account_detail", args=[owing_account.pk])).content.decode()
    # then
    link = _take_payment_link(html)
    assert link is not None
    assert 'accesskey="p"' in link
    assert f'href="{PAY}?account={owing_account.pk}"' in link


def test_take_payment_is_only_for_roles_that_take_payments(client, make_user, owing_account):
    # given: finance sees accounts but takes no payments
    user = make_user(roles.FINANCE)
    assert user.has_perm("district.view_accounts")
    assert not user.has_perm("district.take_payments")
    client.force_login(user)
    # when
    html = client.get(reverse("accounts:account_detail", args=[owing_account.pk])).content.decode()
    # then
    assert "Take payment" not in html


def test_each_search_result_offers_take_payment(client, cashier):
    # given
    accounts = [ServiceAccountFactory(customer__last_name="Quintanilla") for _ in range(2)]
    client.force_login(cashier)
    # when
    html = client.get(reverse("accounts:search"), {"q": "quintanilla", "list": 1}).content.decode()
    # then
    for account in accounts:
        assert f'href="{PAY}?account={account.pk}"' in html
    assert 'data-shortcut="p"' not in html  # one shortcut per page, not one per row


# -- the payment opened from there -------------------------------------------------------------


def test_the_payment_opens_with_the_account_chosen_its_amount_due_and_cash(
    client, cashier, open_session, owing_account
):
    # given
    client.force_login(cashier)
    # when
    html = client.get(PAY, {"account": owing_account.pk}).content.decode()
    # then
    assert html.count('data-testid="pay-account"') == 1
    assert 'name="amount_0" value="120.50"' in html
    assert re.search(r'<option value="cash" selected>Cash</option>', html)
    # one tender row shows; the others wait for "Add tender"
    rows = re.findall(r"<fieldset [^>]*data-tender-row[^>]*>", html)
    assert len(rows) == 4
    assert [("hidden" in row) for row in rows] == [False, True, True, True]
    assert "Add tender" in html
    # the cashier types the cash handed over first
    assert re.search(r'<input [^>]*name="tender_amount_0"[^>]*autofocus', html)


def test_cash_typed_in_the_first_tender_takes_the_payment(
    client, cashier, open_session, owing_account
):
    # given
    client.force_login(cashier)
    html = client.get(PAY, {"account": owing_account.pk}).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    # when: only the amount handed over is typed; the kind is the default cash
    response = client.post(
        PAY,
        {
            "idempotency_key": key,
            "action": "post",
            "account_0": owing_account.pk,
            "amount_0": "120.50",
            "tender_kind_0": "cash",
            "tender_amount_0": "140",
        },
    )
    # then
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:receipt", args=[payment.pk])
    assert payment.change_given == Decimal("19.50")


def test_add_tender_without_javascript_shows_one_more_row_and_takes_nothing(
    client, cashier, open_session, owing_account
):
    # given
    client.force_login(cashier)
    # when
    response = client.post(
        PAY,
        {
            "idempotency_key": uuid.uuid4().hex,
            "action": "add_tender",
            "account_0": owing_account.pk,
            "amount_0": "120.50",
            "tender_kind_0": "check",
            "tender_amount_0": "100",
            "check_number_0": "1234",
        },
    )
    # then
    html = response.content.decode()
    rows = re.findall(r"<fieldset [^>]*data-tender-row[^>]*>", html)
    assert [("hidden" in row) for row in rows] == [False, False, True, True]
    assert 'name="check_number_0" value="1234"' in html
    assert "invalid-feedback" not in html
    assert Payment.objects.count() == 0


def test_another_account_is_added_and_the_first_stays(client, cashier, open_session, owing_account):
    # given
    other = ServiceAccountFactory()
    client.force_login(cashier)
    page = client.get(PAY, {"account": owing_account.pk}).content.decode()
    assert "Add another account" in page
    # when: the other account's number typed in the lookup
    response = client.get(PAY, {"account": owing_account.pk, "find": other.number})
    # then
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert html.count('data-testid="pay-account"') == 2
    assert owing_account.formatted_number in html and other.formatted_number in html


def test_without_an_open_drawer_the_payment_offers_to_open_one_and_comes_back(
    client, cashier, drawer, owing_account
):
    # given
    client.force_login(cashier)
    wanted = f"{PAY}?account={owing_account.pk}"
    # when
    html = client.get(wanted).content.decode()
    # then: it says so and offers to open one
    assert "You have no cash drawer open." in html
    open_url = re.search(r'href="([^"]*)"[^>]*>Open a drawer', html).group(1).replace("&amp;", "&")
    assert open_url.startswith(COUNTER + "?next=")
    form_page = client.get(open_url).content.decode()
    assert f'name="next" value="{wanted}"' in form_page
    # and once opened, back to the payment with the account chosen
    response = client.post(
        COUNTER, {"drawer": drawer.pk, "count_20": "10", "next": wanted}
    )
    assert response.status_code == 302
    assert response["Location"] == wanted
    assert DrawerSession.objects.filter(cashier=cashier, status="open").count() == 1


def test_opening_a_drawer_never_sends_the_cashier_off_the_portal(client, cashier, drawer):
    # given
    client.force_login(cashier)
    # when
    response = client.post(
        COUNTER, {"drawer": drawer.pk, "count_20": "10", "next": "https://evil.example/pay/"}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == COUNTER


# -- the deposit as its own line ---------------------------------------------------------------


def _account_with_deposit(csr) -> ServiceAccount:
    """A new customer's pending account with its $100.00 deposit charged at once."""
    account = ServiceAccountFactory(
        status=ServiceAccount.Status.PENDING, start_date=timezone.localdate()
    )
    charged_deposit(account, csr)
    return account


def test_collect_deposit_shows_the_deposit_as_its_own_line(client, cashier, open_session):
    # given
    account = _account_with_deposit(cashier)
    client.force_login(cashier)
    # when
    html = client.get(PAY, {"account": account.pk, "deposit": account.pk}).content.decode()
    # then
    assert 'data-testid="pay-deposit"' in html
    assert 'name="deposit_0" value="100.00"' in html
    assert re.search(r'name="amount_0"(?! value)', html)  # nothing else owed


def test_a_deposit_paid_at_the_counter_clears_the_receivable_and_stays_held(
    client, cashier, open_session
):
    # given
    account = _account_with_deposit(cashier)
    client.force_login(cashier)
    html = client.get(PAY, {"account": account.pk, "deposit": account.pk}).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    # when
    response = client.post(
        PAY,
        {
            "idempotency_key": key,
            "action": "post",
            "account_0": account.pk,
            "amount_0": "",
            "deposit_0": "100.00",
            "tender_kind_0": "cash",
            "tender_amount_0": "100",
        },
    )
    # then
    assert response.status_code == 302
    payment = Payment.objects.get()
    lines = JournalLine.objects.filter(journal_id=payment.journal_id, service_account_id=account.pk)
    assert [(line.memo.split(",")[0], line.amount) for line in lines] == [
        ("Deposit paid", Decimal("-100.00"))
    ]
    assert account_balance(account.pk) == Decimal("0.00")
    assert deposit_held(account.pk) == Decimal("100.00")  # charged once, held once
    receipt = client.get(response["Location"]).content.decode()
    assert re.search(r'data-testid="deposit-paid">\$100.00<', receipt)


def test_a_deposit_line_beyond_its_account_amount_is_refused(cashier, open_session):
    # given
    account = ServiceAccountFactory()
    journals = Journal.objects.count()
    # when / then
    with pytest.raises(Exception, match="within its account's amount"):
        payment_post(
            session_id=open_session.pk,
            by=cashier,
            payment=PaymentIn(
                allocations=[(account.pk, Decimal("50.00"))],
                tenders=[TenderIn(Tender.Kind.CASH, Decimal("50.00"))],
                deposits={account.pk: Decimal("60.00")},
            ),
            idempotency_key="k-deposit-over",
        )
    assert Payment.objects.count() == 0
    assert Journal.objects.count() == journals
