"""The customer portal's bill pages: my bills, one bill and its PDF; another customer's is 404."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.bill_runs.issue import PORTAL_BILL_PATH
from billing.models import Bill
from district import roles
from district.ledger.selectors import ledger_problems
from portal.models import AccountLink
from tests import factories
from tests.billing.factories import account_with_meter, make_bill

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def customer_client(client, make_user):
    """A signed-in customer whose Customer record has one account with two posted bills."""
    user = make_user(roles.CUSTOMER)
    account, meter = account_with_meter()
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    january = make_bill(
        account,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        consumption=Decimal("9"),
        meter=meter,
        reading=Decimal("109"),
    )
    february = make_bill(account, period_start=D(2026, 2, 1), period_end=D(2026, 2, 28),
                         consumption=Decimal("7"), meter=meter, reading=Decimal("116"))  # fmt: skip
    client.force_login(user)
    client.bills = [february, january]
    client.account = account
    return client


def _strict(html: str) -> None:
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None


def test_my_bills_lists_my_bills_newest_first(customer_client, django_assert_max_num_queries):
    # given another customer's bill and a draft of mine
    other, _ = account_with_meter()
    make_bill(other, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31), consumption=5)
    make_bill(customer_client.account, period_start=D(2026, 3, 1), period_end=D(2026, 3, 31),
              consumption=4, status=Bill.Status.CALCULATED)  # fmt: skip
    # when
    with django_assert_max_num_queries(8):
        response = customer_client.get(reverse("billing:portal_bills"))
    # then only my issued bills, newest first, each with its date, period, amount, due date
    assert response.status_code == 200
    assert [bill.pk for bill in response.context["bills"]] == [
        bill.pk for bill in customer_client.bills
    ]
    html = response.content.decode()
    february = customer_client.bills[0]
    assert reverse("billing:portal_bill", args=[february.pk]) in html
    assert "02/28/2026" in html and february.due_date.strftime("%m/%d/%Y") in html
    _strict(html)


def test_the_list_query_count_does_not_grow_with_the_bills(
    customer_client, django_assert_max_num_queries
):
    # given many more bills
    for month in range(3, 13):
        make_bill(customer_client.account, period_start=D(2025, month, 1),
                  period_end=D(2025, month, 28), consumption=3)  # fmt: skip
    # then the page still takes the same queries
    with django_assert_max_num_queries(8):
        response = customer_client.get(reverse("billing:portal_bills"))
    assert len(response.context["bills"]) == 12


def test_a_customer_without_a_record_sees_no_bills(client, make_user):
    client.force_login(make_user(roles.CUSTOMER))
    response = client.get(reverse("billing:portal_bills"))
    assert response.status_code == 200
    assert "no bills yet" in response.content.decode()


def test_my_bill_page_shows_the_summary_and_the_pdf_link(customer_client):
    bill = customer_client.bills[0]
    # the email's link is this page
    url = PORTAL_BILL_PATH.format(bill_id=bill.pk)
    assert url == reverse("billing:portal_bill", args=[bill.pk])
    response = customer_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert bill.number in html
    assert reverse("billing:portal_bill_pdf", args=[bill.pk]) in html
    assert "Amount due" in html and "02/01/2026 to 02/28/2026" in html
    # no staff links
    assert f'href="{reverse("billing:bill_detail", args=[bill.pk])}"' not in html
    _strict(html)


def test_my_bill_pdf_is_rendered_once_and_stored(customer_client, media_root):
    bill = customer_client.bills[0]
    response = customer_client.get(reverse("billing:portal_bill_pdf", args=[bill.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    bill.refresh_from_db()
    assert bill.pdf  # stored: the staff page and later opens serve the same file
    again = customer_client.get(reverse("billing:portal_bill_pdf", args=[bill.pk]))
    assert again.content == response.content


@pytest.mark.parametrize("page", ["billing:portal_bill", "billing:portal_bill_pdf"])
def test_another_customers_bill_is_404(customer_client, page):
    other, _ = account_with_meter()
    theirs = make_bill(other, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31), consumption=5)
    assert customer_client.get(reverse(page, args=[theirs.pk])).status_code == 404
    assert customer_client.get(reverse(page, args=[999_999])).status_code == 404


def test_my_draft_bill_is_404(customer_client):
    draft = make_bill(customer_client.account, period_start=D(2026, 3, 1),
                      period_end=D(2026, 3, 31), consumption=4, status=Bill.Status.HELD)  # fmt: skip
    response = customer_client.get(reverse("billing:portal_bill", args=[draft.pk]))
    assert response.status_code == 404


def test_a_cancelled_bill_is_shown_as_cancelled(customer_client):
    bill = customer_client.bills[1]
    Bill.objects.filter(pk=bill.pk).update(
        status=Bill.Status.CANCELLED, cancel_reason="Misread meter"
    )
    listing = customer_client.get(reverse("billing:portal_bills")).content.decode()
    assert "Cancelled" in listing
    page = customer_client.get(reverse("billing:portal_bill", args=[bill.pk])).content.decode()
    assert "This bill was cancelled" in page and "Misread meter" in page
    assert ledger_problems() == []


@pytest.mark.parametrize("role", [roles.CSR_I, roles.SUPERVISOR])
def test_staff_use_the_staff_pages(client_for, customer_client, role):
    bill = customer_client.bills[0]
    client = client_for(role)
    assert client.get(reverse("billing:portal_bills")).status_code == 403
    assert client.get(reverse("billing:portal_bill", args=[bill.pk])).status_code == 403


def test_strangers_are_sent_to_sign_in(client, db):
    response = client.get(reverse("billing:portal_bills"))
    assert response.status_code == 302


def test_factories_customer_has_no_portal_user():
    assert factories.CustomerFactory().user is None


def test_the_customer_home_page_shows_the_latest_bill(customer_client):
    bills = customer_client.bills
    latest = max(bills, key=lambda bill: (bill.bill_date, bill.pk))
    response = customer_client.get("/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your bills" in html
    assert reverse("billing:portal_bill", args=[latest.pk]) in html
    _strict(html)
