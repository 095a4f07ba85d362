"""The field reports page and its CSV exports (thin: parse the range, call the report)."""

import csv
import datetime

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.roles import Perm
from field_ops import reports

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_DAYS = 30
CSV_REPORTS = {
    "backlog": "open-order-backlog",
    "completed": "completed-per-technician",
    "turnaround": "time-to-complete",
}


class ReportRangeForm(forms.Form):
    """The days the completion reports cover (default: the last 30 days)."""

    start = forms.DateField(label="From", required=False, widget=DATE_INPUT)
    end = forms.DateField(label="To", required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("end", "The last day must be on or after the first day.")
        elif (end - start).days >= reports.MAX_RANGE_DAYS:
            self.add_error("start", f"Choose at most {reports.MAX_RANGE_DAYS} days.")
        data["start"], data["end"] = start, end
        return data


def _csv_response(report: str, form: ReportRangeForm) -> HttpResponse:
    if report == "backlog":
        header, rows = reports.open_backlog_csv()
        suffix = timezone.localdate().isoformat()
    else:
        if not form.is_valid():
            return HttpResponseBadRequest(
                " ".join(error for errors in form.errors.values() for error in errors),
                content_type="text/plain; charset=utf-8",
            )
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        export = (
            reports.completed_per_technician_csv
            if report == "completed"
            else reports.turnaround_by_type_csv
        )
        header, rows = export(start=start, end=end)
        suffix = f"{start.isoformat()}-to-{end.isoformat()}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{CSV_REPORTS[report]}-{suffix}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@staff_view(Perm.VIEW_REPORTS)
@require_http_methods(["GET"])
def field_reports(request):
    """Backlog by age, completions per technician per day, time to complete by type.

    ?format=csv&report=backlog|completed|turnaround downloads one of them.
    """
    form = ReportRangeForm(request.GET)  # always bound: blank days take the defaults
    if request.GET.get("format") == "csv":
        report = request.GET.get("report", "")
        if report not in CSV_REPORTS:
            return HttpResponseBadRequest(
                "Choose report=backlog, completed or turnaround.",
                content_type="text/plain; charset=utf-8",
            )
        return _csv_response(report, form)
    backlog, backlog_totals = reports.open_backlog()
    context = {
        "form": form,
        "today": timezone.localdate(),
        "backlog": backlog,
        "backlog_totals": backlog_totals,
        "backlog_labels": reports.BACKLOG_LABELS,
        "range_valid": False,
    }
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        completed = reports.completed_per_technician(start=start, end=end)
        context.update(
            range_valid=True,
            start=start,
            end=end,
            range_query=f"start={start.isoformat()}&end={end.isoformat()}",
            completed=completed,
            completed_total=sum(row.completed for row in completed),
            turnaround=reports.turnaround_by_type(start=start, end=end),
        )
    return render(request, "field_ops/reports/field_reports.html", context)
