"""The account page (the CSR's 360): its panels, the actions each role gets, a fixed query count,
and the consumption history behind its chart."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CustomerFlag
from accounts.views import account_page
from district import roles
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from field_ops.consumption import monthly_consumption, premise_read_periods
from field_ops.models import Meter, MeterRead
from tests.factories import (
    CustomerFactory,
    MeterFactory,
    MeterInstallationFactory,
    MeterReadFactory,
    PremiseFactory,
    ServiceAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _months_back(today: datetime.date, count: int) -> datetime.date:
    year, month = today.year, today.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def _account_with_history(months: int, *, serial="MV-777", clerk=None):
    """An active account with a meter read on the 5th of each of the last `months` months,
    10 HCF a month, and a bill and a payment posted each month."""
    clerk = clerk or UserFactory()
    today = timezone.localdate()
    customer = CustomerFactory(
        first_name="Maria",
        last_name="Lopez",
        phone="5551234567",
        email="maria@example.org",
        mailing_line1="PO Box 12",
        mailing_city="Mesa Verde",
        mailing_zip="92001",
    )
    premise = PremiseFactory(house_number="123", street="Main St", apn="431-207-15")
    account = ServiceAccountFactory(customer=customer, premise=premise)
    installed_on = _months_back(today, months + 1)
    installation = MeterInstallationFactory(
        premise=premise, installed_on=installed_on, meter__serial=serial
    )
    for index in range(months):
        month = _months_back(today, months - 1 - index)
        read_on = min(month.replace(day=5), today)
        MeterReadFactory(meter=installation.meter, read_on=read_on, reading=10 * (index + 1))
        journal_post(
            kind="bill",
            memo=f"Bill {month:%b %Y}",
            lines=[
                Line(Purpose.AR_CUSTOMERS, Decimal("50.00"), account.pk),
                Line(Purpose.WATER_SALES_VOLUMETRIC, Decimal("-50.00")),
            ],
            by=clerk,
            idempotency_key=f"bill-{account.pk}-{index}",
            effective_date=read_on,
        )
        if index < months - 1:  # the latest bill is still owed
            journal_post(
                kind="payment",
                memo="Payment, thank you",
                lines=[
                    Line(Purpose.CASH_IN_BANK, Decimal("50.00")),
                    Line(Purpose.AR_CUSTOMERS, Decimal("-50.00"), account.pk),
                ],
                by=clerk,
                idempotency_key=f"pay-{account.pk}-{index}",
                effective_date=read_on + datetime.timedelta(days=1),
            )
    return account


def _page(client, account):
    return client.get(reverse("accounts:account_detail", args=[account.pk]))


def test_the_page_shows_customer_service_status_balance_and_aging(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(3)
    # when
    response = _page(client, account)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Account {account.formatted_number}" in html
    assert "Lopez, Maria" in html
    assert "(555) 123-4567" in html and "maria@example.org" in html
    assert "PO Box 12" in html and "English" in html
    assert "123 Main St" in html and "431-207-15" in html and "MV-777" in html
    assert "Active" in html and "Residential single-family" in html
    assert 'data-testid="account-balance">$50.00<' in html
    assert '<th scope="col" class="text-end">120 days and over</th>' in html


def test_the_statement_lists_the_latest_lines_with_running_balance(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(36)
    # when
    html = _page(client, account).content.decode()
    # then: 24 of the 71 lines, newest first, and a link to all of them
    statement = html.split('id="panel-activity"')[1].split('id="panel-')[0]
    assert statement.count("<tr>") == 1 + 24
    assert "The latest 24 entries." in statement
    assert reverse("accounts:account_activity", args=[account.pk]) in statement
    first_row = statement.split("<tbody>")[1].split("</tr>")[0]
    assert "Bill" in first_row and "$50.00" in first_row


def test_all_activity_lists_every_line(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(13)
    # when
    response = client.get(reverse("accounts:account_activity", args=[account.pk]))
    # then
    html = response.content.decode().split('id="main"')[1]  # the page, not the menu
    assert response.status_code == 200
    assert html.count("Payment, thank you") == 12
    assert html.count("Bill ") == 13


def test_the_chart_is_an_accessible_svg_with_a_table_behind_it(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(30)
    # when
    html = _panel(client, account, "consumption").content.decode()
    # then: 24 months, 10 HCF each, drawn and tabled
    assert '<svg class="consumption-chart' in html
    assert 'role="img" aria-labelledby="consumption-title consumption-desc"' in html
    assert '<title id="consumption-title">Water use by month' in html
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<rect") == 24
    assert "style=" not in svg
    table = html.split('<table class="table table-sm mb-0 consumption-table">')[1]
    rows = re.findall(r'<td class="money">([^<]*)</td>', table.split("</table>")[0])
    assert rows == ["10.00"] * 24


def test_flags_are_shown(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(1)
    CustomerFlag.objects.create(
        customer=account.customer, flag=CustomerFlag.Flag.CASH_ONLY, reason="Two NSF checks"
    )
    # when
    html = _page(client, account).content.decode()
    # then
    assert "Flag: Cash only" in html and "Two NSF checks" in html


def test_without_flags_there_is_no_flags_panel(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(1)
    # when
    html = _page(client, account).content.decode()
    # then
    assert 'id="panel-flags"' not in html
    assert 'id="panel-balance"' in html


def _actions(html: str) -> set[str]:
    menu = html.split('<nav aria-label="Actions">')[1].split("</nav>")[0]
    return set(re.findall(r'">([^<]+)</a>', menu))


def test_the_actions_are_what_the_role_may_do(client_for):
    # given
    account = _account_with_history(2)
    # when
    pages = {}
    for role in (roles.CSR_I, roles.SUPERVISOR, roles.FINANCE):
        client = client_for(role)
        pages[role.name] = _page(client, account).content.decode()
    # then
    csr_actions = _actions(pages["csr1"])
    finance_actions = _actions(pages["finance"])
    assert {"Edit account", "Enter a read", "Customer record", "Premise", "Meter"} <= csr_actions
    assert {"Change history", "Stop service", "Transfer service", "Open a case"} <= csr_actions
    assert "Change status" not in csr_actions  # the direct status change is a supervisor's tool
    # Finance researches money: no customer record (how to reach them), no edits
    assert finance_actions == {"Premise", "Meter", "All activity", "Change history"}
    assert _actions(pages["supervisor"]) >= csr_actions | {"Change status"}
    # only the ledger's readers get links from the statement to its journals
    journal_link = re.compile(r'href="/ledger/journals/\d+/"')
    assert journal_link.search(pages["supervisor"])
    assert not journal_link.search(pages["csr1"])


def test_the_query_count_does_not_grow_with_history(client_for, django_assert_max_num_queries):
    # given
    client = client_for(roles.CSR_I)
    short = _account_with_history(3)
    long = _account_with_history(36, serial="MV-888")
    _page(client, short)  # the first request warms the user's permission cache
    # when
    with CaptureQueriesContext(connection) as short_queries:
        _page(client, short)
    # 15 = session, user, role and permissions (5), the account with its balance and meters (2),
    # flags (1), aging (1), the latest contacts (1), the statement (1), bills (1), and the
    # session's save (3 here: a savepoint around one UPDATE); none grows with the account's
    # history. The other panels load on demand, each pinned below.
    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as long_queries:
        response = _page(client, long)
    # then
    assert response.status_code == 200
    assert len(long_queries) == len(short_queries)


def _panel(client, account, key, **headers):
    return client.get(reverse("accounts:account_panel", args=[account.pk, key]), **headers)


def test_quieter_panels_load_on_demand_with_a_link_when_htmx_is_off(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(3)
    # when
    html = _page(client, account).content.decode()
    # then: the consumption chart is not on the page, but a placeholder that fetches it is
    url = reverse("accounts:account_panel", args=[account.pk, "consumption"])
    placeholder = html.split('id="panel-consumption-body"')[1].split("</div>")[0]
    assert f'hx-get="{url}"' in placeholder and 'hx-trigger="revealed"' in placeholder
    assert 'aria-live="polite"' in placeholder and f'<a href="{url}">' in placeholder
    assert "<svg" not in html
    shutoff = html.split('id="panel-shutoff-body"')[1].split("</div>")[0]
    assert 'hx-trigger="load"' in shutoff  # an alert: fetched at once, not on scrolling


def test_a_panel_alone_is_a_page_without_htmx_and_its_card_body_with_it(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account_with_history(30)
    # when
    page = _panel(client, account, "consumption")
    fragment = _panel(client, account, "consumption", HTTP_HX_REQUEST="true")
    # then
    assert page.status_code == 200 and fragment.status_code == 200
    page_html = page.content.decode()
    assert "<h1" in page_html and "Reads and consumption" in page_html
    assert f'href="{reverse("accounts:account_detail", args=[account.pk])}"' in page_html
    fragment_html = fragment.content.decode()
    assert "<h1" not in fragment_html and "<html" not in fragment_html
    assert fragment_html.count("<rect") == 24


def test_a_panel_with_nothing_to_show_removes_its_card(client_for):
    # given: no shut-off on the account
    client = client_for(roles.CSR_I)
    account = _account_with_history(1)
    # when
    response = _panel(client, account, "shutoff", HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Reswap"] == "delete"
    assert response["HX-Retarget"] == "#panel-shutoff-card"


def test_a_panel_is_refused_to_a_role_without_its_permission_and_unknown_keys_are_not_found(
    client_for,
):
    # given: Finance may see accounts but not how to reach the customer
    account = _account_with_history(1)
    client = client_for(roles.FINANCE)
    # when / then
    assert _panel(client, account, "timeline").status_code == 403
    assert _panel(client, account, "no-such-panel").status_code == 404
    assert _panel(client, account, "consumption").status_code == 200


# Each panel loaded on demand, on its own: the request's own queries (session, user, role and
# permissions: 5; the account with its balance and meters: 2; the session's save: 3 here) and
# the panel's, none of which grows with the account's history.
PANEL_REQUEST_QUERIES = 10
LAZY_PANEL_QUERIES = {
    "shutoff": 1,
    "payment-arrangement": 1,
    "payments": 1,
    "deposit": 2,
    "service_changes": 1,
    "programs": 1,
    "collections": 2,
    "autopay": 2,
    "ach_returns": 1,
    "adjustments": 1,
    "refunds": 1,
    "write-offs": 1,
    "consumption": 2,
    "timeline": 3,
}


def test_every_panel_loaded_on_demand_is_pinned():
    # given / when / then: a panel made lazy gets its count pinned here
    assert set(LAZY_PANEL_QUERIES) == account_page.LAZY_PANELS


@pytest.mark.parametrize("key", sorted(LAZY_PANEL_QUERIES))
def test_each_lazy_panel_takes_a_fixed_few_queries(client_for, django_assert_max_num_queries, key):
    # given
    client = client_for(roles.SUPERVISOR)
    short = _account_with_history(2)
    long = _account_with_history(24, serial="MV-888")
    _panel(client, short, key, HTTP_HX_REQUEST="true")  # warms the permission cache
    # when
    with CaptureQueriesContext(connection) as short_queries:
        _panel(client, short, key, HTTP_HX_REQUEST="true")
    limit = PANEL_REQUEST_QUERIES + LAZY_PANEL_QUERIES[key]
    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as long_queries:
        response = _panel(client, long, key, HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 200
    assert len(long_queries) == len(short_queries)


def test_an_unknown_account_is_not_found(client_for):
    # given
    client = client_for(roles.CSR_I)
    # when
    response = client.get(reverse("accounts:account_detail", args=[987654]))
    # then
    assert response.status_code == 404


# --- consumption ---------------------------------------------------------------------------------


def _read(meter, day, reading, **fields):
    return MeterReadFactory(meter=meter, read_on=day, reading=reading, **fields)


def test_consumption_is_the_difference_of_consecutive_reads_by_month_of_the_read():
    # given
    installation = MeterInstallationFactory(installed_on=datetime.date(2025, 1, 2))
    meter = installation.meter
    _read(meter, datetime.date(2025, 2, 3), 112)
    _read(meter, datetime.date(2025, 3, 4), 120)
    _read(meter, datetime.date(2025, 5, 2), 141)
    # when
    months = monthly_consumption(
        premise_id=installation.premise_id, months=5, as_of=datetime.date(2025, 5, 31)
    )
    # then: from the install reading of 0; April had no read
    assert [(m.month.month, m.consumption_hcf) for m in months] == [
        (1, None),
        (2, Decimal("112.00")),
        (3, Decimal("8.00")),
        (4, None),
        (5, Decimal("21.00")),
    ]


def test_consumption_handles_rollover_multiplier_and_corrections():
    # given: a 4-dial register counting tens of gallons... in HCF x 0.5 here
    meter = MeterFactory(dials=4, multiplier=Decimal("0.5"), status=Meter.Status.INSTALLED)
    installation = MeterInstallationFactory(
        meter=meter, installed_on=datetime.date(2025, 1, 1), install_reading=9990
    )
    wrong = _read(meter, datetime.date(2025, 2, 1), 5000)
    _read(meter, datetime.date(2025, 2, 1), 10, supersedes=wrong, source="counter")
    _read(meter, datetime.date(2025, 3, 1), 30, source=MeterRead.Source.ESTIMATE)
    # when
    periods = premise_read_periods(
        premise_id=installation.premise_id,
        since=datetime.date(2025, 1, 1),
        until=datetime.date(2025, 3, 31),
    )
    months = monthly_consumption(
        premise_id=installation.premise_id, months=2, as_of=datetime.date(2025, 3, 1)
    )
    # then: 9990 -> 10 rolled over (20 units x 0.5); the corrected 5000 is ignored
    assert [(p.consumption_hcf, p.rolled_over, p.estimated) for p in periods] == [
        (Decimal("10.00"), True, False),
        (Decimal("10.00"), False, True),
    ]
    assert [(m.consumption_hcf, m.estimated) for m in months] == [
        (Decimal("10.00"), False),
        (Decimal("10.00"), True),
    ]


def test_consumption_never_subtracts_across_a_meter_exchange():
    # given: the old meter ends at 500 on June 10, the new one starts at 0
    premise = PremiseFactory()
    old = MeterInstallationFactory(
        premise=premise,
        installed_on=datetime.date(2025, 1, 1),
        install_reading=400,
        removed_on=datetime.date(2025, 6, 10),
        removal_reading=500,
        meter__serial="OLD-1",
    )
    new = MeterInstallationFactory(
        premise=premise, installed_on=datetime.date(2025, 6, 10), meter__serial="NEW-1"
    )
    _read(old.meter, datetime.date(2025, 5, 5), 480)
    _read(new.meter, datetime.date(2025, 7, 5), 7)
    # when
    periods = premise_read_periods(
        premise_id=premise.pk, since=datetime.date(2025, 5, 1), until=datetime.date(2025, 7, 31)
    )
    months = monthly_consumption(premise_id=premise.pk, months=3, as_of=datetime.date(2025, 7, 31))
    # then
    assert [(p.meter_serial, p.end_date, p.consumption_hcf) for p in periods] == [
        ("OLD-1", datetime.date(2025, 5, 5), Decimal("80.00")),
        ("OLD-1", datetime.date(2025, 6, 10), Decimal("20.00")),
        ("NEW-1", datetime.date(2025, 7, 5), Decimal("7.00")),
    ]
    assert [m.consumption_hcf for m in months] == [
        Decimal("80.00"),
        Decimal("20.00"),
        Decimal("7.00"),
    ]


def test_consumption_takes_two_queries_however_long_the_history(django_assert_num_queries):
    # given
    installation = MeterInstallationFactory(installed_on=datetime.date(2022, 1, 1))
    for month in range(1, 13):
        for year in (2022, 2023, 2024):
            _read(installation.meter, datetime.date(year, month, 3), year * 100 + month)
    # when / then
    with django_assert_num_queries(2):
        months = monthly_consumption(
            premise_id=installation.premise_id, months=24, as_of=datetime.date(2024, 12, 31)
        )
    assert len(months) == 24 and all(m.consumption_hcf is not None for m in months)
