"""Deposits held tie to the customer deposits liability of the trial balance; the aging trend
is the district's aging at each month end, drawn as a line chart over its table."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.registers import AGING_TREND, DEPOSITS_HELD, UNTAGGED, month_ends
from district import roles
from district.ledger.models import ClosedPeriod, GLAccount, Journal
from district.ledger.purposes import Purpose
from district.ledger.selectors import district_aging, trial_balance
from district.ledger.services import Line, journal_post
from district.registers.definitions import fill
from tests import factories
from tests.registers.xlsx_reader import read_sheet

pytestmark = pytest.mark.django_db
D = datetime.date


def _deposit(account, amount, on, *, tagged=True):
    """A deposit paid in cash (debit cash, credit customer deposits held for the account)."""
    return journal_post(
        kind=Journal.Kind.ADJUSTMENT,
        memo="Deposit",
        lines=[
            Line(Purpose.CASH_IN_BANK, Decimal(amount)),
            Line(Purpose.CUSTOMER_DEPOSITS, -Decimal(amount), account.pk if tagged else None),
        ],
        by=None,
        idempotency_key=factories.new_key("deposit"),
        effective_date=on,
    )


def _deposits():
    first = factories.ServiceAccountFactory(number="100000011")
    second = factories.ServiceAccountFactory(number="100000029", customer_class="commercial")
    refunded = factories.ServiceAccountFactory(number="100000037")
    _deposit(first, "150.00", D(2026, 1, 5))
    _deposit(second, "400.00", D(2026, 1, 6))
    _deposit(second, "25.50", D(2026, 3, 1))  # after the day asked about
    _deposit(refunded, "90.00", D(2026, 1, 7))
    _deposit(refunded, "-90.00", D(2026, 2, 7))
    _deposit(first, "10.00", D(2026, 1, 9), tagged=False)  # a conversion line without account
    return first, second


def test_deposits_held_tie_to_the_liability_on_the_trial_balance():
    # given
    first, second = _deposits()
    as_of = D(2026, 2, 28)
    # when
    table = fill(DEPOSITS_HELD, {"as_of": as_of, "customer_class": ""})
    # then
    code = GLAccount.objects.get(purpose=Purpose.CUSTOMER_DEPOSITS).code
    liability = next(row for row in trial_balance(as_of=as_of).rows if row.code == code)
    assert table.totals["held"] == -liability.balance == Decimal("560.00")
    assert [(row["account"], row["held"]) for row in table.rows] == [
        ("10000001-1", Decimal("150.00")),
        ("10000002-9", Decimal("400.00")),
        (UNTAGGED, Decimal("10.00")),
    ]
    assert table.rows[1]["customer_class"] == "Commercial"


def test_deposits_held_of_one_class():
    # given
    _deposits()
    # when
    table = fill(DEPOSITS_HELD, {"as_of": D(2026, 3, 31), "customer_class": "commercial"})
    # then
    assert [(row["account"], row["held"]) for row in table.rows] == [
        ("10000002-9", Decimal("425.50"))
    ]


def test_the_deposits_held_csv_is_exact(client_for):
    # given
    first, second = _deposits()
    client = client_for(roles.FINANCE)
    # when
    response = client.get(
        reverse("registers:deposits-held_csv"), {"as_of": "2026-02-28", "purpose": "Audit"}
    )
    # then
    lines = response.content.decode().split("\r\n")
    assert lines[0] == "Account,Customer,Class,Account status,Deposit held"
    assert lines[1] == (
        f'10000001-1,"{first.customer.last_name}, {first.customer.first_name}",'
        "Residential single-family,Active,150.00"
    )
    assert lines[3] == "Not tagged to an account,,,,10.00"
    assert lines[4] == "Total,,,,560.00"


def test_month_ends_run_back_from_the_month_asked():
    assert month_ends(count=3, through=D(2026, 3, 10)) == [
        D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)
    ]  # fmt: skip


def test_the_aging_trend_is_the_district_aging_at_each_month_end():
    # given
    account = factories.ServiceAccountFactory()
    factories.post_bill(account, "100.00", D(2026, 1, 10))
    factories.post_bill(account, "40.00", D(2026, 2, 10))
    factories.post_payment(account, "30.00", D(2026, 3, 5))
    # when
    table = fill(AGING_TREND, {"months": 3, "through": D(2026, 3, 1)})
    # then
    assert [row["month"] for row in table.rows] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    for row in table.rows:
        aging = district_aging(as_of=row["as_of"])
        assert (row["current"], row["days_30"], row["total"]) == (
            aging.current,
            aging.days_30,
            aging.total,
        )
    assert [row["total"] for row in table.rows] == [
        Decimal("100.00"), Decimal("140.00"), Decimal("110.00")
    ]  # fmt: skip
    assert (table.rows[1]["current"], table.rows[1]["days_30"]) == (
        Decimal("40.00"), Decimal("100.00")
    )  # fmt: skip


def test_the_aging_trend_page_draws_a_line_per_bucket_over_its_table(client_for):
    # given
    factories.post_bill(factories.ServiceAccountFactory(), "75.00", D(2026, 2, 10))
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("registers:aging-trend"), {"months": 6, "through": "2026-03-31"})
    xlsx = client.get(reverse("registers:aging-trend_xlsx"), {"months": 6, "through": "2026-03-31"})
    # then
    html = response.content.decode()
    assert html.count("<polyline") == 5
    assert (
        'role="img" aria-label="Receivables by age at each month end, 6 points from Oct 2025 to Mar 2026'
        in html
    )
    assert "<caption>Aging at the last 6 month ends</caption>" in html
    sheet = read_sheet(xlsx.content)
    assert sheet["rows"][0][:3] == ["Month", "Month end", "Current"]
    assert sheet["rows"][5][:3] == ["Feb 2026", 46081.0, 75.0]
    assert sheet["formats"][5][1] == "mm/dd/yyyy"


def _aging_statements(filters) -> int:
    """How many month ends the trend computes (all of them in at most one statement)."""
    with CaptureQueriesContext(connection) as queries:
        rows = fill(AGING_TREND, filters).rows
    statements = [query["sql"] for query in queries.captured_queries
                  if "recent_charges" in query["sql"]]  # fmt: skip
    assert len(statements) <= 1
    return sum(row["as_of"].isoformat() in "".join(statements) for row in rows)


def test_a_closed_month_s_aging_is_computed_once_and_again_when_reopened(make_user):
    # given: charges from January on; January and February closed, March open
    account = factories.ServiceAccountFactory()
    factories.post_bill(account, "100.00", D(2026, 1, 10))
    factories.post_bill(account, "40.00", D(2026, 2, 10))
    finance = make_user(roles.FINANCE)
    closed = {
        month: ClosedPeriod.objects.create(month=month, closed_by=finance, reason="Closed")
        for month in (D(2026, 1, 1), D(2026, 2, 1))
    }
    filters = {"months": 3, "through": D(2026, 3, 1)}
    # when / then: the first time every month end is computed, then only March
    assert _aging_statements(filters) == 3
    assert _aging_statements(filters) == 1
    assert [row["total"] for row in fill(AGING_TREND, filters).rows] == [
        Decimal("100.00"), Decimal("140.00"), Decimal("140.00")
    ]  # fmt: skip
    # when February is reopened, its aging is computed again (and March's, still open)
    ClosedPeriod.objects.filter(pk=closed[D(2026, 2, 1)].pk).update(reopened_at=timezone.now())
    assert _aging_statements(filters) == 2


def test_nothing_is_kept_while_lines_are_dated_before_the_first_closed_month(make_user):
    # given
    factories.post_bill(factories.ServiceAccountFactory(), "100.00", D(2025, 12, 10))
    ClosedPeriod.objects.create(month=D(2026, 1, 1), closed_by=make_user(roles.FINANCE), reason="x")
    filters = {"months": 2, "through": D(2026, 2, 1)}
    # when / then
    assert _aging_statements(filters) == 2
    assert _aging_statements(filters) == 2
