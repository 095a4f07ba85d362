"""The billing register: its GL view ties to the bills' journals to the cent, its filters pick
the run or the month, its downloads are exact, and only VIEW_REPORTS opens it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.bill_runs import services
from billing.models import Bill, BillException
from billing.registers import BILLING_REGISTER, BY_CLASS, BY_GL, BY_RATE_LINE, posted_bills
from district import roles
from district.ledger.models import JournalLine
from district.registers.definitions import fill
from tests import factories
from tests.billing.factories import (
    bill_run_calculated,
    bill_run_posted,
    metered_account,
    posted_bill,
)  # fmt: skip
from tests.registers.xlsx_reader import read_sheet

pytestmark = pytest.mark.django_db
D = datetime.date


def _posted_run(period, biller):
    metered_account(used=Decimal(8))
    metered_account(used=Decimal(25), customer_class="commercial")
    metered_account(used=Decimal(14))
    run = bill_run_calculated(period, biller)
    for exception in BillException.objects.filter(run=run, blocking=True):
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    return bill_run_posted(run, biller)


def _ledger_by_gl(run) -> dict[str, Decimal]:
    journal_ids = Bill.objects.filter(run=run, status="posted").values("journal_id")
    return dict(
        JournalLine.objects.filter(journal_id__in=journal_ids)
        .values_list("gl_account__code")
        .annotate(total=Sum("amount"))
    )


def test_the_gl_view_of_a_run_ties_to_its_bills_journals_to_the_cent(rates, period, biller):
    # given
    run = _posted_run(period, biller)
    ledger = _ledger_by_gl(run)
    # when
    table = fill(BILLING_REGISTER, {"run": run.pk, "month": None, "group_by": BY_GL})
    # then: each revenue GL account billed = what its journals credited
    billed = {row["group"]: row["amount"] for row in table.rows}
    receivable = ledger.pop("1200")
    assert billed == {code: -amount for code, amount in ledger.items()}
    assert (
        table.totals["amount"]
        == receivable
        == sum(
            Bill.objects.filter(run=run, status="posted").values_list("current_charges", flat=True)
        )
    )
    assert billed == {
        "4010": Decimal("96.45"),
        "4020": Decimal("244.36"),
        "4100": Decimal("12.75"),
        "4200": Decimal("271.05"),
    }
    assert table.totals["amount"] == Decimal("624.61")


def test_the_class_and_rate_line_views_add_up_to_the_same_total(rates, period, biller):
    # given
    run = _posted_run(period, biller)
    filters = {"run": run.pk, "month": None}
    # when
    by_class = fill(BILLING_REGISTER, {**filters, "group_by": BY_CLASS})
    by_line = fill(BILLING_REGISTER, {**filters, "group_by": BY_RATE_LINE})
    by_gl = fill(BILLING_REGISTER, {**filters, "group_by": BY_GL})
    # then
    assert [row["group"] for row in by_class.rows] == ["Commercial", "Residential single-family"]
    assert [row["bills"] for row in by_class.rows] == [1, 2]
    assert by_class.totals["amount"] == by_line.totals["amount"] == by_gl.totals["amount"]


def _february_bills():
    """Two posted bills dated 02/03/2026 (January's usage) and one dated 03/03/2026."""
    january = {"start": D(2026, 1, 1), "end": D(2026, 1, 31)}
    posted_bill(factories.ServiceAccountFactory(), consumption=10, **january)
    posted_bill(
        factories.ServiceAccountFactory(customer_class="commercial"), consumption=5, **january
    )
    posted_bill(
        factories.ServiceAccountFactory(), consumption=7, start=D(2026, 2, 1), end=D(2026, 2, 28)
    )


def test_the_month_filter_keeps_the_bills_dated_in_the_month():
    # given
    _february_bills()
    # when
    table = fill(BILLING_REGISTER, {"run": None, "month": D(2026, 2, 1), "group_by": BY_CLASS})
    # then
    assert table.rows == [
        {"group": "Commercial", "bills": 1, "consumption": Decimal("5.00"),
         "amount": Decimal("50.00")},
        {"group": "Residential single-family", "bills": 1, "consumption": Decimal("10.00"),
         "amount": Decimal("70.00")},
    ]  # fmt: skip
    assert table.totals == {
        "group": "Total", "bills": 2, "consumption": Decimal("15.00"), "amount": Decimal("120.00")
    }  # fmt: skip


def test_the_month_holds_its_runs_bills_and_the_bills_outside_runs_dated_in_it(
    rates, period, biller
):
    # given a posted run billed in the period's month, and a final bill outside runs dated in
    # that month and one dated in the next
    run = _posted_run(period, biller)
    month = period.bill_date.replace(day=1)
    final = {"start": period.period_start, "end": period.bill_date - datetime.timedelta(days=3)}
    posted_bill(factories.ServiceAccountFactory(), consumption=4, kind="final", **final)
    posted_bill(
        factories.ServiceAccountFactory(),
        consumption=6,
        kind="final",
        start=period.period_start,
        end=month + datetime.timedelta(days=40),
    )
    # when
    table = fill(BILLING_REGISTER, {"run": None, "month": month, "group_by": BY_CLASS})
    # then the run's three bills and the one final bill of the month
    assert Bill.objects.filter(run=run, status="posted").count() == 3
    assert table.totals["bills"] == 4


def test_the_month_is_read_through_indexes_not_by_scanning_every_bill(rates, period, biller):
    # given a run of the month and ten years of bills outside runs (finals and corrections),
    # with the statistics of a table where a month is a small part
    _posted_run(period, biller)
    account = factories.ServiceAccountFactory()
    first = D(2016, 1, 1)
    Bill.objects.bulk_create(
        Bill(
            account=account,
            kind="final",
            status="posted",
            period_start=first + datetime.timedelta(days=day),
            period_end=first + datetime.timedelta(days=day),
            bill_date=first + datetime.timedelta(days=day + 3),
            due_date=first + datetime.timedelta(days=day + 24),
            number=f"T{day}",
            consumption=Decimal(0),
            current_charges=Decimal(0),  # a $0.00 bill posts without a journal
            previous_balance=Decimal(0),
            amount_due=Decimal(0),
        )
        for day in range(0, 3650)
    )
    filters = {"run": None, "month": period.bill_date.replace(day=1)}
    sql, params = posted_bills(filters).order_by().query.sql_with_params()
    # when the planner chooses how to find the month's bills
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE billing_bill")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    # then the runs' bills come off the (run, status) index and the others off their own
    assert "Seq Scan on billing_bill" not in plan
    assert "bill_outside_runs_date_idx" in plan
    assert "billing_bil_run_id" in plan


def test_the_csv_by_rate_line_is_exact(client_for):
    # given
    _february_bills()
    client = client_for(roles.FINANCE)
    # when
    response = client.get(
        reverse("registers:billing_csv"), {"month": "2026-02", "group_by": "rate_line"}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8") == (
        "Rate line,Description,Lines,Quantity,Amount\r\n"
        "service,service charge,2,,60.00\r\n"
        "water,water charge,2,15.0000,60.00\r\n"
        "Total,,4,,120.00\r\n"
    )


def test_the_xlsx_holds_numbers_with_a_currency_format(client_for):
    # given
    _february_bills()
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("registers:billing_xlsx"), {"month": "2026-02"})
    # then
    sheet = read_sheet(response.content)
    assert sheet["rows"] == [
        ["Customer class", "Bills", "Consumption (hcf)", "Charges"],
        ["Commercial", 1.0, 5.0, 50.0],
        ["Residential single-family", 1.0, 10.0, 70.0],
        ["Total", 2.0, 15.0, 120.0],
    ]
    assert sheet["frozen"] == "A2"
    assert sheet["formats"][3][3] == '"$"#,##0.00;-"$"#,##0.00'


def test_the_page_shows_the_chart_over_its_table_and_a_pdf_prints(client_for):
    # given
    _february_bills()
    client = client_for(roles.CSR_III)
    # when
    page = client.get(reverse("registers:billing"), {"month": "2026-02"})
    pdf = client.get(reverse("registers:billing_pdf"), {"month": "2026-02"})
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Amount billed' in html
    assert "<caption>Posted bills dated in February 2026, by customer class</caption>" in html
    assert "$120.00" in html
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].startswith('attachment; filename="billing-')


def test_a_month_that_is_not_a_month_is_refused_on_the_page_and_the_download(client_for):
    # given
    client = client_for(roles.FINANCE)
    # when
    page = client.get(reverse("registers:billing"), {"month": "February"})
    download = client.get(reverse("registers:billing_csv"), {"month": "February"})
    # then
    assert page.status_code == 200 and "Enter a valid date." in page.content.decode()
    assert download.status_code == 400
    assert download.content.decode() == "Enter a valid date."


def test_the_page_does_not_grow_in_queries_with_its_rows(client_for, django_assert_max_num_queries):
    # given
    client = client_for(roles.FINANCE)
    _february_bills()
    url = reverse("registers:billing")
    for group in ("class", "rate_line", "gl"):
        client.get(url, {"month": "2026-02", "group_by": group})  # the session, warmed
        with CaptureQueriesContext(connection) as few:
            client.get(url, {"month": "2026-02", "group_by": group})
        for number in range(6):
            posted_bill(
                factories.ServiceAccountFactory(customer_class="irrigation"),
                consumption=number,
                start=D(2026, 1, 1 + len(group) + number),
                end=D(2026, 1, 31),
            )
        # when / then
        with django_assert_max_num_queries(len(few)):
            response = client.get(url, {"month": "2026-02", "group_by": group})
        assert response.status_code == 200
        assert len(few) <= 12
