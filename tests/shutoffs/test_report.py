"""The annual report of Health & Safety Code 116920, its page and CSV, and the account panel."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import ServiceAccount
from billing.shutoffs.selectors import annual_report
from district import roles
from tests.shutoffs import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025():
    """Two residential shut-offs (January, March) and one commercial (January); the January one
    reconnected 2.5 days later; notices issued in January (two) and February (one)."""
    january = builders.residential_account()
    january_bill = builders.delinquent_bill(january, due=datetime.date(2024, 11, 1))
    march = builders.residential_account()
    march_bill = builders.delinquent_bill(march, due=datetime.date(2025, 1, 1))
    shop = builders.residential_account(customer_class=ServiceAccount.CustomerClass.COMMERCIAL)
    shop_bill = builders.delinquent_bill(shop, due=datetime.date(2024, 11, 1))
    first = builders.disconnected(january, shut_off_at=builders.local(datetime.date(2025, 1, 7), 9))
    first.reconnected_at = builders.local(datetime.date(2025, 1, 9), 21)
    first.save()
    builders.disconnected(march, shut_off_at=builders.local(datetime.date(2025, 3, 4), 10))
    builders.disconnected(shop, shut_off_at=builders.local(datetime.date(2025, 1, 8), 10))
    builders.disconnected(
        builders.residential_account(), shut_off_at=builders.local(datetime.date(2024, 12, 30), 10)
    )
    builders.notice(january, january_bill, issued_on=datetime.date(2025, 1, 2))
    builders.notice(shop, shop_bill, issued_on=datetime.date(2025, 1, 3))
    builders.notice(march, march_bill, issued_on=datetime.date(2025, 2, 20))


def test_the_report_counts_residential_shut_offs_of_the_year(year_2025):
    report = annual_report(2025)

    assert report.residential_discontinuations == 2
    january, february, march = report.months[:3]
    assert (january.shutoffs, january.reconnections, january.average_days_to_reconnect) == (
        1,
        1,
        Decimal("2.5"),
    )
    assert (february.shutoffs, march.shutoffs, march.reconnections) == (0, 1, 0)
    assert (january.notices, february.notices, march.notices) == (2, 1, 0)
    assert report.total_notices == 3
    assert annual_report(2024).residential_discontinuations == 1


def test_the_report_page_and_its_csv(year_2025, client_for):
    client = client_for(roles.FINANCE)

    page = client.get(reverse("shutoffs:report") + "?year=2025")
    download = client.get(reverse("shutoffs:report_csv", kwargs={"year": 2025}))

    assert "Residential discontinuations for non-payment in 2025: <strong>2</strong>" in (
        page.content.decode()
    )
    rows = download.content.decode().splitlines()
    assert rows[0] == "month,notices,shut_offs,reconnections,average_days_to_reconnect"
    assert rows[1] == "2025-01,2,1,1,2.5"
    assert rows[3] == "2025-03,0,1,0,"
    assert rows[-1] == "residential discontinuations,,2"


def test_the_report_is_for_supervisors_and_finance(client_for):
    assert client_for(roles.CSR_II).get(reverse("shutoffs:report")).status_code == 403


def test_the_account_page_shows_the_shut_off_and_the_reconnection_form(client_for):
    day = builders.shut_day()
    account, bill = builders.eligible_account(day)
    builders.disconnected(account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9))
    client = client_for(roles.CSR_I)

    page = client.get(
        reverse("accounts:account_panel", kwargs={"account_id": account.pk, "panel_key": "shutoff"})
    )

    html = page.content.decode()
    assert "Water is off" in html
    assert reverse("shutoffs:reconnect", kwargs={"account_id": account.pk}) in html


def test_requesting_a_reconnection_from_the_account_page_shows_the_refusal(client_for):
    day = builders.shut_day()
    account, _ = builders.eligible_account(day)
    builders.disconnected(account, shut_off_at=builders.local(day - datetime.timedelta(days=1), 9))
    client = client_for(roles.CSR_I)

    response = client.post(
        reverse("shutoffs:reconnect", kwargs={"account_id": account.pk}), follow=True
    )

    assert "The past-due balance is not paid" in response.content.decode()
