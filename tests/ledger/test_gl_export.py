"""The GL summary export: its exact CSV, and that it ties to the trial balance to the cent."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from district import roles
from district.errors import NotPermitted, ServiceError
from district.ledger.gl_export import gl_export, gl_summary_csv, gl_summary_rows
from district.ledger.models import GLExportLog, Journal
from district.ledger.purposes import Purpose
from district.ledger.selectors import trial_balance
from district.ledger.services import Line, journal_post, journal_reverse
from tests.factories import new_key, post_bill, post_payment

BEGINNING = date(2000, 1, 1)
FRAMEWORK_QUERIES = 9  # session, user, groups, permissions, session save (see test_views)


def _deposit(account_id, amount, on):
    """A customer's security deposit taken in cash: cash in bank against deposits held."""
    return journal_post(
        kind=Journal.Kind.DEPOSIT,
        memo="Security deposit",
        lines=[
            Line(Purpose.CASH_IN_BANK, Decimal(amount)),
            Line(Purpose.CUSTOMER_DEPOSITS, -Decimal(amount), account_id),
        ],
        by=None,
        idempotency_key=new_key("deposit"),
        effective_date=on,
    )


def _fee(account_id, amount, on):
    return journal_post(
        kind=Journal.Kind.FEE,
        memo="Reconnect fee",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal(amount), account_id),
            Line(Purpose.FEES_RECONNECT, -Decimal(amount)),
        ],
        by=None,
        idempotency_key=new_key("fee"),
        effective_date=on,
    )


@pytest.fixture
def books(make_service_account):
    """Three months of a small district: bills, payments, a reversed payment, deposits, fees."""
    first, second, third = (make_service_account().pk for _ in range(3))
    post_bill(first, "123.45", date(2026, 1, 5))
    post_bill(second, "88.10", date(2026, 1, 5))
    _deposit(third, "150.00", date(2026, 1, 9))
    post_payment(first, "123.45", date(2026, 1, 20))
    returned = post_payment(second, "88.10", date(2026, 1, 31))
    journal_reverse(
        journal=returned,
        by=None,
        reason="Returned check",
        idempotency_key=new_key("rev"),
        effective_date=date(2026, 2, 3),
    )
    _fee(second, "35.00", date(2026, 2, 3))
    post_bill(first, "97.31", date(2026, 2, 5))
    post_bill(third, "42.07", date(2026, 2, 28))
    post_payment(second, "50.00", date(2026, 3, 1))
    _deposit(first, "75.00", date(2026, 3, 2))
    post_bill(third, "61.99", date(2026, 3, 31))


def _net_by_code(rows):
    totals = defaultdict(Decimal)
    for row in rows:
        totals[row.gl_code] += row.net
    return totals


def _balances(as_of):
    return {row.code: row.balance for row in trial_balance(as_of=as_of).rows}


@pytest.mark.parametrize("end", [date(2026, 1, 31), date(2026, 2, 3), date(2026, 3, 31)])
def test_export_from_the_beginning_ties_to_the_trial_balance(books, end):
    # when
    exported = _net_by_code(gl_summary_rows(start=BEGINNING, end=end))
    # then
    balances = _balances(end)
    assert dict(exported) == {
        code: balance for code, balance in balances.items() if code in exported
    }
    assert all(balance == 0 for code, balance in balances.items() if code not in exported)
    assert exported  # the books are not empty


@pytest.mark.parametrize(
    ("start", "end", "previous_end"),
    [
        (date(2026, 1, 1), date(2026, 1, 31), date(2025, 12, 31)),
        (date(2026, 2, 1), date(2026, 2, 28), date(2026, 1, 31)),
        (date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 28)),
    ],
)
def test_a_months_export_is_the_change_in_the_trial_balance(books, start, end, previous_end):
    # when
    exported = _net_by_code(gl_summary_rows(start=start, end=end))
    # then
    before, after = _balances(previous_end), _balances(end)
    changes = {code: after[code] - before.get(code, Decimal("0.00")) for code in after}
    assert {code: changes[code] for code in exported} == dict(exported)
    assert all(change == 0 for code, change in changes.items() if code not in exported)


def test_every_day_balances_and_debits_and_credits_are_positive(books):
    # when
    rows = gl_summary_rows(start=BEGINNING, end=date(2026, 12, 31))
    # then
    by_day = defaultdict(Decimal)
    for row in rows:
        by_day[row.date] += row.net
        assert row.debit >= 0 and row.credit >= 0
        assert row.net == row.debit - row.credit
    assert set(by_day.values()) == {Decimal("0.00")}
    assert sum(row.debit for row in rows) == sum(row.credit for row in rows) == Decimal("1022.57")


def test_the_csv_is_exact_for_a_small_ledger(make_service_account):
    # given
    account = make_service_account().pk
    post_bill(account, "100.00", date(2026, 1, 15))
    post_payment(account, "40.00", date(2026, 1, 15))
    post_payment(account, "25.50", date(2026, 1, 20))
    post_bill(account, "9.99", date(2026, 2, 1))  # outside the range
    # when
    text = gl_summary_csv(gl_summary_rows(start=date(2026, 1, 1), end=date(2026, 1, 31)))
    # then
    assert text == (
        "date,gl_code,gl_name,debit,credit,net,journal_count\r\n"
        "2026-01-15,1010,Cash in bank,40.00,0.00,40.00,1\r\n"
        "2026-01-15,1200,Accounts receivable - customers,100.00,40.00,60.00,2\r\n"
        "2026-01-15,4020,Water sales - volumetric,0.00,100.00,-100.00,1\r\n"
        "2026-01-20,1010,Cash in bank,25.50,0.00,25.50,1\r\n"
        "2026-01-20,1200,Accounts receivable - customers,0.00,25.50,-25.50,1\r\n"
    )


def test_the_summary_is_one_query(books, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = gl_summary_rows(start=BEGINNING, end=date(2026, 12, 31))
    assert len(rows) == 21  # ten days, two GL accounts each, three on 02/03


def test_an_export_is_logged(books, make_user):
    # given
    finance = make_user(roles.FINANCE)
    # when
    export = gl_export(start=date(2026, 2, 1), end=date(2026, 2, 28), by=finance)
    # then
    entry = GLExportLog.objects.get()
    assert (entry.exported_by, entry.start, entry.end, entry.rows) == (
        finance,
        date(2026, 2, 1),
        date(2026, 2, 28),
        len(export.rows),
    )
    assert export.filename == "gl-summary-20260201-20260228.csv"


def test_export_refusals_write_nothing(make_user):
    with pytest.raises(NotPermitted):
        gl_export(start=date(2026, 1, 1), end=date(2026, 1, 31), by=make_user(roles.CSR_III))
    with pytest.raises(ServiceError) as backwards:
        gl_export(start=date(2026, 2, 1), end=date(2026, 1, 31), by=make_user(roles.FINANCE))
    assert backwards.value.message_dict == {"end": ["The last date is before the first."]}
    assert not GLExportLog.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.FINANCE, 200), (roles.SUPERVISOR, 200), (roles.CSR_III, 403), (roles.CSR_I, 403)],
    ids=["finance", "supervisor", "csr3", "csr1"],
)
def test_export_page_by_role(client_for, role, status):
    assert client_for(role).get(reverse("ledger:gl_export")).status_code == status


def test_the_page_downloads_the_csv_and_lists_it(client_for, books, django_assert_max_num_queries):
    # given
    client = client_for(roles.FINANCE)
    # when
    response = client.post(
        reverse("ledger:gl_export"), {"start": "2026-01-01", "end": "2026-01-31"}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="gl-summary-20260101-20260131.csv"'
    )
    assert response.content.decode().startswith("date,gl_code,gl_name,")
    # and the page lists the export (one query for the log with its users)
    with django_assert_max_num_queries(FRAMEWORK_QUERIES + 1):
        page = client.get(reverse("ledger:gl_export"))
    assert "01/01/2026 to 01/31/2026" in page.content.decode()


def test_the_page_shows_a_bad_range(client_for):
    # when
    response = client_for(roles.FINANCE).post(
        reverse("ledger:gl_export"), {"start": "2026-02-01", "end": "2026-01-31"}
    )
    # then
    assert response.status_code == 400
    assert "The last date is before the first." in response.content.decode()
    assert not GLExportLog.objects.exists()
