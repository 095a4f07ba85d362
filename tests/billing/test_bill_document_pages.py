"""The bill pages (detail, PDF, why high?) by role, their query counts, and the bills panel."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.documents.selectors import account_bills, bill_for_document, why_high
from billing.models import Bill, RateSchedule, RateScheduleVersion
from district import roles
from field_ops.models import WorkOrder
from tests import factories
from tests.billing.test_bill_document_helpers import (
    account_with_meter,
    make_bill,
    month_end,
    monthly_history,
    tier_lines,
)

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
        (roles.FIELD_TECHNICIAN, 200),
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
    with django_assert_max_num_queries(15):  # 14, and the deposit installments left
        client.get(reverse("billing:bill_detail", args=[bill.pk]))
    with django_assert_max_num_queries(14):
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


# -- why is this bill high? ---------------------------------------------------------------------


def test_why_high_facts_on_a_constructed_history(rate_versions):
    # given a year of 8 HCF months (14 in July), an estimated January on the old rates
    old_version, new_version = rate_versions
    account, meter = account_with_meter()
    months = [(2025, m, "14" if m == 7 else "8") for m in range(1, 13)]
    history = monthly_history(account, meter, months=months)
    same_month_last_year = history[1]  # February 2025
    make_bill(
        account,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        consumption=Decimal("8"),
        rate_version=old_version,
        estimated=True,
    )
    WorkOrder.objects.create(
        order_type=WorkOrder.Type.LEAK_INVESTIGATION,
        premise=account.premise,
        requested_date=datetime.date(2026, 3, 2),
    )
    WorkOrder.objects.create(
        order_type=WorkOrder.Type.LEAK_INVESTIGATION,
        premise=account.premise,
        requested_date=datetime.date(2025, 6, 2),
        status=WorkOrder.Status.CANCELLED,
        cancelled_reason="Duplicate",
    )
    # when February uses 25 HCF on the new rates (an actual read after an estimate)
    bill = make_bill(
        account,
        period_start=datetime.date(2026, 2, 1),
        period_end=month_end(2026, 2),
        consumption=Decimal("25"),
        rate_version=new_version,
        lines=tier_lines(Decimal("25"), tier1_rate="4.75", tier2_rate="6.50"),
    )
    why = why_high(bill_for_document(bill.pk))
    # then
    assert why.days == 28
    assert why.previous.days == 31
    assert why.previous.consumption == Decimal("8")
    assert why.previous.estimated and why.previous_estimated
    assert why.last_year.bill == same_month_last_year
    # 25/28 = 0.893 a day against 8/31 = 0.258: up 246%
    assert why.previous.change_percent == Decimal("246")
    assert [line.code for line in why.tier_lines] == ["water.tier1", "water.tier2"]
    assert why.highest_tier.code == "water.tier2"
    assert not why.estimated
    assert why.version_changed
    assert {change.code for change in why.rate_changes} == {"water.tier1", "water.tier2"}
    assert [order.requested_date for order in why.open_orders] == [datetime.date(2026, 3, 2)]
    text = " ".join(why.findings)
    assert "28 days; the last one covered 31" in text
    assert "tier 2" in text
    assert "The last bill was estimated" in text
    assert "Rates changed" in text
    assert "a leak is possible" in text
    assert "1 open leak or high-bill order" in text


def test_why_high_first_bill_has_no_comparisons(billed, django_assert_max_num_queries):
    account, meter = account_with_meter()
    bill = make_bill(
        account,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        consumption=Decimal("5"),
    )
    loaded = bill_for_document(bill.pk)
    with django_assert_max_num_queries(3):
        why = why_high(loaded)
    assert why.previous is None and why.last_year is None
    assert why.findings == []


@pytest.fixture
def rate_versions(db):
    schedule = RateSchedule.objects.create(code="water-bp", name="Water service")
    old = RateScheduleVersion.objects.create(
        schedule=schedule, version=1, effective_from=datetime.date(2024, 1, 1),
        source="", parsed={}, sha256="a" * 64,
    )  # fmt: skip
    new = RateScheduleVersion.objects.create(
        schedule=schedule, version=2, effective_from=datetime.date(2026, 2, 1),
        source="", parsed={}, sha256="b" * 64,
    )  # fmt: skip
    return old, new


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
