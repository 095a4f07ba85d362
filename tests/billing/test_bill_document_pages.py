"""The bill pages (detail, PDF, why high?) by role, their query counts, and the bills panel."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.documents.selectors import account_bills
from billing.models import Bill
from district import roles
from tests import factories
from tests.billing.factories import account_with_meter, make_bill, monthly_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def billed():
    account, meter = account_with_meter()
    history = monthly_history(account, meter, months=[(2025, m, "8") for m in range(1, 13)])
    bill = make_bill(
        account,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        consumption=Decimal("12"),
        meter=meter,
        reading=history[-1].current_read.reading + 12,
        previous_read=history[-1].current_read,
    )
    return account, history, bill


PAGES = ["billing:bill_detail", "billing:bill_pdf", "billing:bill_why_high"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.CSR_I, 200),
        (roles.CSR_II, 200),
        (roles.SUPERVISOR, 200),
        (roles.FIELD_TECHNICIAN, 403),  # a technician's pages are their orders (README, roles)
        (roles.FINANCE, 200),
        (roles.CUSTOMER, 403),
    ],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_pages_by_role(client_for, billed, media_root, page, role, status):
    _account, _history, bill = billed
    response = client_for(role).get(reverse(page, args=[bill.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_strangers_to_sign_in(client, billed, page):
    _account, _history, bill = billed
    response = client.get(reverse(page, args=[bill.pk]))
    assert response.status_code == 302


def test_unknown_bill_is_404(client_for, role_groups):
    response = client_for(roles.CSR_I).get(reverse("billing:bill_detail", args=[999999]))
    assert response.status_code == 404


def test_detail_page_shows_lines_totals_and_links(client_for, billed):
    _account, _history, bill = billed
    response = client_for(roles.CSR_I).get(reverse("billing:bill_detail", args=[bill.pk]))
    html = response.content.decode()
    assert "Tier 2 (over 10 HCF)" in html
    assert f"${bill.amount_due:,.2f}" in html
    assert reverse("billing:bill_pdf", args=[bill.pk]) in html
    assert reverse("billing:bill_why_high", args=[bill.pk]) in html
    assert reverse("accounts:account_detail", args=[bill.account_id]) in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_pdf_view_serves_a_pdf(client_for, billed, media_root):
    _account, _history, bill = billed
    response = client_for(roles.CSR_I).get(reverse("billing:bill_pdf", args=[bill.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Bill.objects.get(pk=bill.pk).pdf


def test_page_query_counts(client_for, billed, django_assert_max_num_queries):
    _account, _history, bill = billed
    client = client_for(roles.CSR_I)
    client.get(reverse("billing:bill_detail", args=[bill.pk]))  # warm the session and menus
    # the same budget with 12 earlier bills as with one: no per-bill queries
    # the document (10 with the bill), the earlier bills' lines for the comparison, the session
    with django_assert_max_num_queries(19):
        client.get(reverse("billing:bill_detail", args=[bill.pk]))
    with django_assert_max_num_queries(20):  # and the open leak orders
        client.get(reverse("billing:bill_why_high", args=[bill.pk]))


def test_bills_panel_lists_the_latest_12_in_one_query(billed, django_assert_num_queries):
    account, history, bill = billed
    with django_assert_num_queries(1):
        bills = account_bills(account.pk)
    assert bills[0] == bill
    assert len(bills) == 12
    assert history[0] not in bills


def test_account_page_shows_the_bills_panel(client_for, billed):
    account, _history, bill = billed
    response = client_for(roles.CSR_I).get(reverse("accounts:account_detail", args=[account.pk]))
    html = response.content.decode()
    assert 'data-panel="bills"' in html
    assert bill.number in html
    assert reverse("billing:bill_pdf", args=[bill.pk]) in html


# "Why is this bill high?" is tested in test_bill_explain.py.


def test_a_bare_draft_bill_opens_on_every_page(client_for, media_root):
    # given a calculated bill with no lines, reads or history (the access matrix's sample bill)
    bill = Bill.objects.create(
        account=factories.ServiceAccountFactory(),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        bill_date=datetime.date(2026, 2, 5),
        due_date=datetime.date(2026, 2, 26),
    )
    client = client_for(roles.CSR_I)
    # when / then
    for page in PAGES:
        assert client.get(reverse(page, args=[bill.pk])).status_code == 200
    assert not Bill.objects.get(pk=bill.pk).pdf
