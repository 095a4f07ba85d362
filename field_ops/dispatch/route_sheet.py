"""The technician's printable route sheet: the day's orders in route order, as a tagged PDF.

Printed through district.pdf like every other document (PDF/UA, the district's letterhead).
Rendered on each request, not stored: the day changes until the truck leaves.
"""

import datetime

from django.utils import timezone

from district.pdf import document_html, html_pdf
from field_ops.dispatch.selectors import route_sheet_orders, technician_name

ROUTE_SHEET_TEMPLATE = "field_ops/dispatch/route_sheet.html"
# Blank lines under each order for the technician's pen (reading, notes).
ROUTE_SHEET_NOTE_LINES = 2


def route_sheet_html(*, technician, day: datetime.date, today: datetime.date | None = None) -> str:
    """The route sheet as HTML (what the PDF is printed from; tests read it too)."""
    return document_html(
        ROUTE_SHEET_TEMPLATE,
        {
            "technician": technician,
            "technician_name": technician_name(technician),
            "day": day,
            "orders": route_sheet_orders(technician, day, today=today),
            "note_lines": range(ROUTE_SHEET_NOTE_LINES),
            "printed_at": timezone.localtime(),
        },
    )


def route_sheet_pdf(*, technician, day: datetime.date, today: datetime.date | None = None) -> bytes:
    """The technician's day as a printable PDF, in route order."""
    return html_pdf(route_sheet_html(technician=technician, day=day, today=today))
