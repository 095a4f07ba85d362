"""One view renders any register as a page, CSV, XLSX or PDF (thin: parse the filters, fill
the register, render the format)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from district.access import staff_view
from district.pdf import render_pdf
from district.registers import svg
from district.registers.definitions import (
    BAR,
    EXPORT_LOG_KEY,
    EXPORT_LOGGERS,
    MONEY,
    Register,
    Table,
    fill,
    url_name,
)
from district.registers.exports import table_csv, table_xlsx

PAGE, CSV, XLSX, PDF = "page", "csv", "xlsx", "pdf"
FORMATS = (PAGE, CSV, XLSX, PDF)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PDF: "application/pdf",
}


def chart_of(table: Table):
    """The register's chart as inline SVG, or None (no chart, or no rows to draw)."""
    chart = table.register.chart
    if chart is None or not table.rows:
        return None
    by_key = {column.key: column for column in table.columns}
    series = [
        (by_key[key].label, [row.get(key) for row in table.rows])
        for key in chart.series
        if key in by_key
    ]
    draw = svg.bar_chart if chart.kind == BAR else svg.line_chart
    money = any(by_key[key].kind == MONEY for key in chart.series if key in by_key)
    return draw(
        chart.title or table.caption,
        [row.get(chart.category) for row in table.rows],
        series,
        money=money,
    )


# A download of customer data says why it is made (Gov. Code 6254.16: kept in the export log).
PURPOSE = "purpose"
PURPOSE_MAX = 300
PURPOSE_SUGGESTIONS = (
    "Month-end close",
    "Auditor's request",
    "Deposit refund follow-up",
    "Collections follow-up",
    "Hydrant meter recovery",
)
PURPOSE_MISSING = "Say why you download customer data (the export log keeps it)."


def _filename(table: Table, extension: str) -> str:
    return f"{table.register.slug}-{timezone.localdate().isoformat()}.{extension}"


def _context(register: Register, form, table: Table | None, request, **extra) -> dict:
    return {
        "register": register,
        "form": form,
        "table": table,
        "chart": chart_of(table) if table else None,
        "query": request.GET.urlencode(),
        "downloads": [
            (label, f"{url_name(register, '_' + fmt)}")
            for label, fmt in (("CSV", CSV), ("Spreadsheet (XLSX)", XLSX), ("PDF", PDF))
        ],
        # Customer data: the downloads are a form asking the purpose, the filters kept hidden.
        "asks_purpose": bool(table and table.customer_columns),
        "filter_items": [
            (name, value)
            for name, values in request.GET.lists()
            if name != PURPOSE
            for value in values
        ],
        "purpose": request.GET.get(PURPOSE, ""),
        "purpose_max": PURPOSE_MAX,
        "purpose_suggestions": PURPOSE_SUGGESTIONS,
        **extra,
    }


def _log_download(request, table: Table, fmt: str, purpose: str, masked: list[str]) -> None:
    """The download in the export log: who, which register with which filters, why."""
    log = EXPORT_LOGGERS.get(EXPORT_LOG_KEY)
    if log is None:  # nothing to log it with: refuse rather than let customer data out unseen
        raise PermissionError("No export log is registered for customer data.")
    log(
        by=request.user,
        what=f"{table.register.title} ({fmt.upper()}): {table.caption}",
        why=purpose,
        row_count=table.row_count,
        columns=[column.key for column in table.columns],
        masked_columns=masked,
    )


def _style(form) -> None:
    """Bootstrap classes on the filters, and a field in error says so and points at why."""
    for name, field in form.fields.items():
        widget = field.widget
        is_select = isinstance(widget, forms.Select)
        widget.attrs.setdefault("class", "form-select" if is_select else "form-control")
        if name in form.errors:
            widget.attrs["class"] += " is-invalid"
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].id_for_label}-error"


def render_register(request, register: Register, fmt: str) -> HttpResponse:
    # Register forms give every filter a default, so an empty query shows the usual view.
    form = register.form(request.GET)
    valid = form.is_valid()
    _style(form)
    table = fill(register, form.cleaned_data) if valid else None
    masked = []
    if table is not None:
        table, masked = table.masked_for(request.user)
    if fmt == PAGE:
        page_table = table.for_page() if table else None
        return render(request, "registers/page.html", _context(register, form, page_table, request))
    if table is None:
        return HttpResponseBadRequest(
            " ".join(error for errors in form.errors.values() for error in errors),
            content_type="text/plain; charset=utf-8",
        )
    purpose = " ".join(request.GET.get(PURPOSE, "").split())[:PURPOSE_MAX]
    if table.customer_columns and not purpose:
        # Asked, not refused: the page again, its downloads asking why (no file, no log).
        context = _context(register, form, table.for_page(), request,
                           purpose_error=PURPOSE_MISSING)  # fmt: skip
        return render(request, "registers/page.html", context)
    if fmt == CSV:
        body = table_csv(table)
    elif fmt == XLSX:
        body = table_xlsx(table)
    else:
        body = render_pdf(
            "registers/document.html",
            {"register": register, "table": table, "chart": chart_of(table), "form": form},
        )
    if table.customer_columns:  # logged once the file is made, before it leaves
        try:
            _log_download(request, table, fmt, purpose, masked)
        except ValidationError as error:
            context = _context(register, form, table.for_page(), request,
                               purpose_error=" ".join(error.messages))  # fmt: skip
            return render(request, "registers/page.html", context, status=400)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, fmt)}"'
    return response


def view_for(register: Register, fmt: str):
    """The view of one register in one format, guarded by the register's permission."""

    @require_GET
    def view(request):
        return render_register(request, register, fmt)

    view.__name__ = f"register_{slugify(register.slug).replace('-', '_')}_{fmt}"
    view.__qualname__ = view.__name__
    return staff_view(register.permission)(view)
