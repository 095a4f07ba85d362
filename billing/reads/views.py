"""Staff pages of meter reads: the route list, the route read grid and read files.

The grid works as plain forms (one per row); with htmx a row posts on Enter and only that row
is redrawn, and static/js/read_entry.js moves the focus to the next meter.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from billing.models import ReadImport
from billing.reads.forms import ReadDateForm, ReadImportForm, RouteReadForm
from billing.reads.imports import (
    ReadImportRejected,
    read_import_summary,
    reads_import,
    recent_imports,
)
from billing.reads.selectors import (
    route_exists,
    route_read_count,
    route_sheet,
    route_summaries,
)
from billing.reads.services import ReadNeedsConfirmation, read_enter
from district.access import staff_view
from district.roles import Perm
from field_ops.models import MeterRead


def _read_date(request) -> tuple[ReadDateForm, object]:
    """The date form and the date it gives (today when blank or refused)."""
    today = timezone.localdate()
    form = ReadDateForm(request.GET if "date" in request.GET else None, initial={"date": today})
    date = form.cleaned_data["date"] if form.is_bound and form.is_valid() else today
    return form, date


@staff_view(Perm.ENTER_READS)
def route_list(request):
    form, date = _read_date(request)
    return render(
        request,
        "billing/reads/route_list.html",
        {"form": form, "date": date, "routes": route_summaries(on_date=date)},
    )


def _grid_url(route: str, date) -> str:
    return f"{reverse('billing:read_route', kwargs={'route': route})}?{urlencode({'date': date})}"


def _answer(request, route: str):
    """Save one row; returns (row drawn again with the answer, the read date)."""
    form = RouteReadForm(request.POST)
    if not form.is_valid():
        if "meter" in form.errors or "read_on" in form.errors:
            raise Http404("No such meter on this route.")
        date = form.cleaned_data["read_on"]
        row = _row(route, date, form.cleaned_data["meter"])
        row.state, row.messages = "error", form.errors["reading"]
        return row, date
    data = form.cleaned_data
    date = data["read_on"]
    row = _row(route, date, data["meter"])
    row.typed = data["reading"]
    try:
        read_enter(
            meter=row.meter,
            read_on=date,
            reading=data["reading"],
            source=MeterRead.Source.ROUTE,
            by=request.user,
            confirmed=form.confirmed,
        )
    except ReadNeedsConfirmation as needs:
        row.state, row.messages = "confirm", needs.messages
        return row, date
    except ValidationError as error:
        row.state, row.messages = "error", error.messages
        return row, date
    row = _row(route, date, data["meter"])  # drawn again: the saved read and its flags
    row.state = "saved"
    return row, date


def _row(route: str, date, meter_id: int):
    rows = route_sheet(route=route, on_date=date, meter_ids=[meter_id]).rows
    if not rows:
        raise Http404("No such meter on this route.")
    return rows[0]


@staff_view(Perm.ENTER_READS)
def route_grid(request, route):
    """GET: the route's meters in read order; POST: save one row (htmx: that row only)."""
    if request.method == "POST":
        row, date = _answer(request, route)
        context = {"row": row, "grid_url": _grid_url(route, date), "date": date}
        if request.htmx:
            # The row, the status line and the route's "N of M read" (out of band).
            context["read_count"] = route_read_count(route=route, on_date=date)
            return render(request, "billing/reads/route_grid.html#answer", context)
        if row.just_saved:
            messages.success(request, f"Read saved for {row.premise.address_line}.")
            return redirect(_grid_url(route, date))
        form, sheet = ReadDateForm(initial={"date": date}), route_sheet(route=route, on_date=date)
        sheet.rows = [row if item.meter.pk == row.meter.pk else item for item in sheet.rows]
    else:
        form, date = _read_date(request)
        if not route_exists(route):
            raise Http404("No premise is on this route.")
        sheet = route_sheet(route=route, on_date=date)
    # The keyboard starts on the row that was answered (refused or to check), else the first
    # meter still to read.
    first_open = next((row for row in sheet.rows if row.needs_attention), None)
    first_open = first_open or next((row for row in sheet.rows if row.saved is None), None)
    return render(
        request,
        "billing/reads/route_grid.html",
        {
            "sheet": sheet,
            "form": form,
            "date": date,
            "grid_url": _grid_url(route, date),
            "first_open": first_open.meter.pk if first_open else None,
            "read_count": (sheet.saved_count, len(sheet.rows)),
        },
    )


@staff_view(Perm.ENTER_READS)
def read_import(request):
    """GET: the upload form, recent files, a loaded file's summary; POST: load a file."""
    form = ReadImportForm(request.POST or None, request.FILES or None)
    rejected = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            loaded = reads_import(file_name=upload.name, content=upload.read(), by=request.user)
        except ReadImportRejected as error:
            rejected = error.row_errors
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"{upload.name}: {loaded.row_count} reads loaded.")
            return redirect(f"{reverse('billing:read_import')}?{urlencode({'import': loaded.pk})}")
    summary = None
    if request.GET.get("import", "").isdigit():
        summary = read_import_summary(get_object_or_404(ReadImport, pk=request.GET["import"]))
    return render(
        request,
        "billing/reads/import.html",
        {"form": form, "rejected": rejected, "summary": summary, "recent": recent_imports()},
    )
