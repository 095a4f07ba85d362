"""The register framework: totals, CSV guarding, XLSX numbers and dates, SVG accessibility."""

import datetime
from decimal import Decimal

import pytest

from district.registers import svg
from district.registers.definitions import (
    BAR,
    DATE,
    MONEY,
    NUMBER,
    Chart,
    Column,
    Register,
    fill,
)  # fmt: skip
from district.registers.exports import table_csv, table_xlsx
from district.registers.views import chart_of
from tests.registers.xlsx_reader import read_sheet

COLUMNS = (
    Column("Customer", "name"),
    Column("Billed on", "day", DATE),
    Column("Bills", "bills", NUMBER, total=True),
    Column("Amount", "amount", MONEY, total=True),
)
ROWS = [
    {"name": "=HYPERLINK(\"x\")", "day": datetime.date(2026, 1, 31), "bills": 2,
     "amount": Decimal("10.50")},
    {"name": "Lopez, Maria", "day": datetime.date(2026, 2, 28), "bills": 1,
     "amount": Decimal("-3.25")},
]  # fmt: skip
SAMPLE = Register(
    slug="sample",
    title="Sample register",
    columns=COLUMNS,
    rows=lambda filters: ROWS,
    chart=Chart(BAR, category="name", series=("amount",), title="Amount by customer"),
)


def test_totals_add_the_marked_columns_in_decimal():
    # when
    table = fill(SAMPLE, {})
    # then
    assert table.totals == {"name": "Total", "bills": 3, "amount": Decimal("7.25")}


def test_a_column_of_text_cannot_be_totalled():
    with pytest.raises(ValueError, match="only money and number columns add up"):
        Column("Name", "name", total=True)


def test_csv_guards_formulas_and_keeps_numbers_as_numbers():
    # when
    content = table_csv(fill(SAMPLE, {}))
    # then
    assert content.decode("utf-8") == (
        "Customer,Billed on,Bills,Amount\r\n"
        '"\'=HYPERLINK(""x"")",2026-01-31,2,10.50\r\n'
        '"Lopez, Maria",2026-02-28,1,-3.25\r\n'
        "Total,,3,7.25\r\n"
    )


def test_xlsx_has_a_frozen_header_real_numbers_dates_and_a_totals_row():
    # when
    sheet = read_sheet(table_xlsx(fill(SAMPLE, {})))
    # then
    assert sheet["frozen"] == "A2"
    assert sheet["rows"] == [
        ["Customer", "Billed on", "Bills", "Amount"],
        ['=HYPERLINK("x")', 46053.0, 2.0, 10.5],  # text stays text; the date as a serial
        ["Lopez, Maria", 46081.0, 1.0, -3.25],
        ["Total", None, 3.0, 7.25],
    ]
    assert sheet["formats"][1][1] == "mm/dd/yyyy"
    assert sheet["formats"][1][3] == '"$"#,##0.00;-"$"#,##0.00'
    assert sheet["formats"][3][3] == '"$"#,##0.00;-"$"#,##0.00'


def test_the_chart_is_an_image_with_a_summary_of_its_numbers():
    # when
    chart = chart_of(fill(SAMPLE, {}))
    # then
    assert chart.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="')
    assert (
        'aria-label="Amount by customer, 2 points from =HYPERLINK(&quot;x&quot;) to Lopez, Maria; '
        "Amount: highest $10.50 at =HYPERLINK(&quot;x&quot;), last -$3.25. "
        'The table below gives every value."'
    ) in chart
    assert chart.count("<rect") == 2


def test_a_line_chart_draws_one_polyline_per_series_and_escapes_labels():
    # when
    chart = svg.line_chart(
        "Aging", ["<Jan>", "Feb"], [("Current", [1, 2]), ("Over 90", [0, 5])], money=True
    )
    # then
    assert chart.count("<polyline") == 2
    assert "<Jan>" not in chart and "&lt;Jan&gt;" in chart
    assert "Over 90: highest $5.00 at Feb, last $5.00" in chart
