"""The bill as a PDF: HTML from templates/billing/bills/bill_pdf.html, printed by WeasyPrint.

Tagged PDF/UA-1 with its language and title (ADA Title II: PDFs are web content too), the chart
with a text alternative and its numbers in a table. A posted bill's PDF is rendered the first
time someone opens it and stored in Bill.pdf; later opens serve the stored file (a posted bill
never changes). A draft (calculated or held) renders each time, watermarked DRAFT, and is
never stored. Rendering is never on the bill run's path (see bench/bill_pdf.py).
"""

import base64
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext, pgettext_lazy

from accounts.languages import in_customer_language
from billing.documents.selectors import BillDocument, bill_document, is_draft
from billing.models import Bill
from district.customer_notes import memo_in_language
from district.pdf import document_html, html_pdf
from field_ops.consumption import MonthUsage

TEMPLATE = "billing/bills/bill_pdf.html"
CHART_TEMPLATE = "billing/bills/bill_chart.svg"


# The bill's chart: wide and short, so it fits the page above the stub and its labels print at
# about 8 pt when the SVG is scaled to the page's width (7.5 in = 540 pt for 720 units).
CHART_WIDTH, CHART_HEIGHT = 720, 130
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 6, 10, 34
GRID_STEPS = 4
BAR_FILL = "#0b5ed7"
ESTIMATED_FILL = "#6c757d"  # grey and an "E" above the bar: colour is not the only signal
TEXT_FILL = "#212529"
GRID_STROKE = "#adb5bd"


def _nice_step(peak: Decimal) -> Decimal:
    """A round grid step (1, 2, 2.5 or 5 x 10^n) so that GRID_STEPS steps reach the peak."""
    if peak <= 0:
        return Decimal(1)
    raw = peak / GRID_STEPS
    magnitude = Decimal(10) ** raw.adjusted()
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if raw <= factor * magnitude:
            return Decimal(factor) * magnitude
    return 10 * magnitude


def bill_chart(months: list[MonthUsage]) -> dict:
    """Coordinates of the bars, grid lines and labels of the bill's 13-month chart."""
    used = [month.consumption_hcf for month in months if month.consumption_hcf is not None]
    step = _nice_step(max(used, default=Decimal(0)))
    top = step * GRID_STEPS
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot_height
    slot = Decimal(plot_width) / len(months)
    bar_width = slot * Decimal("0.7")
    bars = []
    for index, month in enumerate(months):
        value = month.consumption_hcf
        height = Decimal(plot_height) * value / top if value else Decimal(0)
        x = CHART_LEFT + slot * index + (slot - bar_width) / 2
        bars.append(
            {
                "x": round(x, 1),
                "y": round(baseline - height, 1),
                "width": round(bar_width, 1),
                "height": round(height, 1),
                "center": round(x + bar_width / 2, 1),
                "fill": ESTIMATED_FILL if month.estimated else BAR_FILL,
                "month": month,
                "year": str(month.month.year) if index == 0 or month.month.month == 1 else "",
                "marker_y": round(baseline - height - 3, 1),
            }
        )
    grid = [
        {
            "y": round(baseline - Decimal(plot_height) * k / GRID_STEPS, 1),
            "label": f"{(step * k).normalize():f}",
        }
        for k in range(GRID_STEPS + 1)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "axis_label_y": CHART_TOP + plot_height / 2,
        "tick_y": baseline + 14,
        "year_y": baseline + 28,
        "bars": bars,
        "grid": grid,
        "text_fill": TEXT_FILL,
        "grid_stroke": GRID_STROKE,
        "has_estimates": any(month.estimated for month in months),
    }


def chart_alt_text(document: BillDocument) -> str:
    """The chart's text alternative: what a sighted reader takes from it."""
    months = document.months
    read_months = [month for month in months if month.consumption_hcf is not None]
    if not read_months:
        return gettext("Water use by month: no reads in the last 13 months.")
    peak = max(read_months, key=lambda month: month.consumption_hcf)
    latest = read_months[-1]
    return gettext(
        "Bar chart of water use by month, %(first)s to %(last)s, in HCF. "
        "Latest: %(latest)s HCF in %(latest_month)s; the most was "
        "%(peak)s HCF in %(peak_month)s. Every month is listed in the table below."
    ) % {
        "first": months[0].label,
        "last": months[-1].label,
        "latest": latest.consumption_hcf,
        "latest_month": latest.label,
        "peak": peak.consumption_hcf,
        "peak_month": peak.label,
    }


def chart_data_uri(chart: dict) -> str:
    """The chart as an SVG image (an <img> carries its alt text into the tagged PDF)."""
    svg = render_to_string(CHART_TEMPLATE, {"chart": chart})
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# The ledger's journal kinds (district.ledger.models.Journal.Kind's labels, which the ledger and
# staff pages keep in English) as the customer reads them on the bill's payments table.
KIND_WORDS = {
    "Opening balance": pgettext_lazy("a line on a bill", "Opening balance"),
    "Bill": pgettext_lazy("a line on a bill", "Bill"),
    "Payment": pgettext_lazy("a line on a bill", "Payment"),
    "Deposit": pgettext_lazy("a line on a bill", "Deposit"),
    "Adjustment": pgettext_lazy("a line on a bill", "Adjustment"),
    "Fee": pgettext_lazy("a line on a bill", "Fee"),
    "Refund": pgettext_lazy("a line on a bill", "Refund"),
    "Balance transfer": pgettext_lazy("a line on a bill", "Balance transfer"),
    "Write-off": pgettext_lazy("a line on a bill", "Write-off"),
    "Reversal": pgettext_lazy("a line on a bill", "Reversal"),
}


def statement_rows(document: BillDocument) -> list[dict]:
    """The payments and adjustments since the last bill, each kind in the reader's language,
    and each memo too when it is one the district's own code writes (district.customer_notes;
    a memo a staff member typed prints as the ledger holds it)."""
    return [
        {
            "date": line.date,
            "kind": str(KIND_WORDS.get(line.kind, line.kind)),
            "memo": memo_in_language(line.memo),
            "amount": line.amount,
        }
        for line in [*document.payments, *document.adjustments]
    ]


def bill_pdf_context(document: BillDocument) -> dict:
    months = document.months
    read_months = [month for month in months if month.consumption_hcf is not None]
    chart = bill_chart(months)
    return {
        "doc": document,
        "bill": document.bill,
        "chart": chart,
        "chart_src": chart_data_uri(chart),
        "chart_alt": chart_alt_text(document),
        "months": months,
        "first_month": months[0],
        "last_month": months[-1],
        "total_hcf": sum((month.consumption_hcf for month in read_months), 0),
        "statement_rows": statement_rows(document),
    }


def bill_pdf_html(bill: Bill) -> str:
    """The bill as HTML (what the PDF is printed from; tests read it), in the customer's
    language whoever opens it: it is their bill, and once posted it is stored as rendered."""
    with in_customer_language(bill.account.customer):
        return document_html(TEMPLATE, bill_pdf_context(bill_document(bill)))


def bill_pdf(bill: Bill) -> bytes:
    """Render the bill's PDF (about a tenth of a second); nothing is stored."""
    return html_pdf(bill_pdf_html(bill))


def stored_name(bill: Bill) -> str:
    return f"bills/{bill.bill_date:%Y/%m}/bill-{bill.number}.pdf"


def bill_pdf_file(bill: Bill) -> bytes:
    """The bill's PDF: the stored one, or rendered now (and stored when the bill is posted).

    Two people opening a new bill at once may both render it; the conditional update lets
    exactly one file be recorded and the other copy is deleted, so Bill.pdf never changes once
    set. No lock is held while rendering.
    """
    if bill.pdf:
        with bill.pdf.open("rb") as stored:
            return stored.read()
    content = bill_pdf(bill)
    if is_draft(bill) or bill.status != Bill.Status.POSTED:
        return content
    name = default_storage.save(stored_name(bill), ContentFile(content))
    recorded = Bill.objects.filter(pk=bill.pk, pdf="").update(pdf=name)
    if recorded:
        bill.pdf.name = name
        return content
    default_storage.delete(name)  # someone else stored theirs first: serve that one
    bill.refresh_from_db(fields=["pdf"])
    with bill.pdf.open("rb") as stored:
        return stored.read()
