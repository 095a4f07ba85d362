"""The customer's pages: home with every account, one account, and the staff "view as customer"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Contact
from billing.models import Bill, BillException, BillRun
from district import roles
from field_ops.models import WorkOrder
from portal.service_requests.models import StaffPortalView
from tests import factories
from tests.portal.conftest import billed_account, link

pytestmark = pytest.mark.django_db


def _strict(html: str) -> None:
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None


def test_home_shows_each_account_with_balance_due_date_and_last_payment(
    customer_client, django_assert_max_num_queries
):
    # given a payment on the first account
    first, second = customer_client.user.accounts
    factories.post_payment(first, Decimal("12.50"), datetime.date(2026, 1, 10))
    # when (16: the session and user, the links, five reads of the accounts, three of the
    # registered home panels, the session save)
    with django_assert_max_num_queries(16):
        response = customer_client.get(reverse("portal:home"))
    # then both accounts, each with its balance, due date and last payment
    assert response.status_code == 200
    summaries = response.context["summaries"]
    assert [summary.account.pk for summary in summaries] == [first.pk, second.pk]
    html = response.content.decode()
    assert first.formatted_number in html and second.formatted_number in html
    assert "$12.50 on 01/10/2026" in html
    latest = Bill.objects.filter(account=second).order_by("-bill_date").first()
    assert latest.due_date.strftime("%m/%d/%Y") in html
    _strict(html)


def test_home_query_count_does_not_grow_with_accounts(customer, client):
    # given the home with two accounts
    client.force_login(customer)
    client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("portal:home"))
    # when two more accounts are added to the login
    link(customer, billed_account(1))
    link(customer, billed_account(1))
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("portal:home"))
    # then the same number of queries
    assert len(response.context["summaries"]) == 4
    assert len(four) == len(two)


def test_the_site_home_of_a_customer_is_the_portal_home(customer_client):
    response = customer_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_account_page_shows_bills_usage_chart_and_table_and_the_explanation(
    customer_client, django_assert_max_num_queries
):
    # given
    account = customer_client.user.accounts[0]
    # when
    # (the bill explanation reads about twenty of them: billing.documents.explain)
    with django_assert_max_num_queries(36):
        response = customer_client.get(reverse("portal:account", args=[account.pk]))
    # then the chart with its data table behind it, the bills with PDFs, the explanation
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert 'data-testid="usage-table"' in html
    assert 'data-testid="explanation"' in html
    for bill in Bill.objects.filter(account=account):
        assert reverse("billing:portal_bill_pdf", args=[bill.pk]) in html
    _strict(html)


def test_usage_compares_each_period_with_the_same_period_last_year(customer, client):
    # given a login with an account billed 14 months (13th and 14th have last year's)
    account = billed_account(14, start_year=2024, use="6")
    link(customer, account)
    client.force_login(customer)
    # when
    response = client.get(reverse("portal:account", args=[account.pk]))
    # then the last two periods are compared with January and February 2024
    usage = response.context["usage"]
    assert len(usage) == 12
    assert usage[-1].period_end == datetime.date(2025, 2, 28)
    assert usage[-1].last_year_hcf == Decimal("6") and usage[-1].change_percent == 0
    assert usage[0].last_year_hcf is None


def test_high_use_and_possible_leak_notices(customer_client):
    # given the audit flagged the latest bill high, and a leak check is open at the address
    account = customer_client.user.accounts[0]
    latest = Bill.objects.filter(account=account).order_by("-bill_date").first()
    run = BillRun.objects.create(period=_period(), status="posted")
    BillException.objects.create(
        run=run, account=account, bill=latest, kind="high_use", status="accepted"
    )
    WorkOrder.objects.create(
        order_type=WorkOrder.Type.LEAK_INVESTIGATION,
        premise=account.premise,
        requested_date=datetime.date(2026, 1, 1),
    )
    # when
    home = customer_client.get(reverse("portal:home")).content.decode()
    page = customer_client.get(reverse("portal:account", args=[account.pk])).content.decode()
    # then both pages say so, on that account only
    for html in (home, page):
        assert html.count('data-notice="high_use"') == 1
        assert html.count('data-notice="leak"') == 1


def _period():
    from billing.models import BillingCycle, BillingPeriod

    cycle = BillingCycle.objects.create(code="P1", name="P1", frequency="monthly", routes=["R9"])
    return BillingPeriod.objects.create(
        cycle=cycle,
        period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 3, 31),
        read_window_start=datetime.date(2025, 3, 25),
        read_window_end=datetime.date(2025, 4, 2),
        bill_date=datetime.date(2025, 4, 5),
        due_date=datetime.date(2025, 4, 26),
    )


def test_pay_button_is_absent_until_paying_online_exists_then_links_to_it(customer_client):
    from portal.views.home import pay_url

    account = customer_client.user.accounts[0]
    html = customer_client.get(reverse("portal:account", args=[account.pk])).content.decode()
    if pay_url(account.pk) is None:
        assert 'data-testid="pay"' not in html
        assert "the ways are on your bill" in html
    else:
        assert pay_url(account.pk) in html


def test_another_customers_account_is_404(customer_client, other_account):
    for name in (
        "portal:account",
        "portal:requests",
        "portal:settings",
        "portal:arrangement_request",
    ):
        assert customer_client.get(reverse(name, args=[other_account.pk])).status_code == 404


def test_staff_view_as_customer_is_read_only_and_logged(client, make_user, other_account):
    # given a CSR
    csr = make_user(roles.CSR_I)
    client.force_login(csr)
    # when
    response = client.get(reverse("portal:staff_view_as_customer", args=[other_account.pk]))
    # then the customer's page without forms, pay button or links to act, and a log
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="read-only"' in html
    assert "<form" not in html.split('<main id="main"')[1]
    assert 'data-testid="pay"' not in html and "payment-plan" not in html
    assert StaffPortalView.objects.filter(viewed_by=csr, service_account=other_account).count() == 1
    contact = Contact.objects.get(account=other_account)
    assert "as the customer" in contact.notes and contact.logged_by_id == csr.pk


def test_a_customer_cannot_view_as_customer(customer_client, other_account):
    url = reverse("portal:staff_view_as_customer", args=[other_account.pk])
    assert customer_client.get(url).status_code == 403
    assert not StaffPortalView.objects.exists()


def test_the_staff_account_page_offers_view_as_customer(client, make_user, other_account):
    client.force_login(make_user(roles.CSR_I))
    html = client.get(reverse("accounts:account_detail", args=[other_account.pk])).content.decode()
    assert reverse("portal:staff_view_as_customer", args=[other_account.pk]) in html
