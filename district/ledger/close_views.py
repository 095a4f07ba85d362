"""Month-end pages for Finance and the supervisor: the GL summary export and the month's close.

Seeing them takes VIEW_LEDGER; closing and reopening are checked by the services
(district.ledger.periods), which the forms here only call.
"""

import contextlib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from district.access import staff_view
from district.errors import NotPermitted, ServiceError
from district.forms import add_service_error
from district.ledger import gl_export as exports
from district.ledger import periods
from district.ledger.close_forms import GLExportForm, MonthForm, PeriodReasonForm
from district.roles import Perm


@staff_view(Perm.VIEW_LEDGER)
def gl_export(request):
    """GET: the dates form and the latest exports; POST: the CSV download (logged)."""
    if request.method == "POST":
        form = GLExportForm(request.POST)
        if form.is_valid():
            try:
                export = exports.gl_export(
                    start=form.cleaned_data["start"], end=form.cleaned_data["end"], by=request.user
                )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                response = HttpResponse(export.csv_text, content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
                return response
        status = 400
    else:
        form = GLExportForm.for_last_month()
        status = 200
    return render(
        request,
        "ledger/gl_export/export.html",
        {"form": form, "recent": exports.recent_exports()},
        status=status,
    )


def _month_or_404(text: str) -> periods.Month:
    try:
        return periods.Month.parse(text)
    except ServiceError as error:
        raise Http404("No such month.") from error


@staff_view(Perm.VIEW_LEDGER)
def month_close_start(request):
    """The close of the month asked for (?month=YYYY-MM), by default the month just ended."""
    form = MonthForm(request.GET or None)
    month = periods.Month.of(timezone.localdate()).previous
    if form.is_bound and form.is_valid():
        with contextlib.suppress(ServiceError):  # a bad month shows the default one
            month = periods.Month.parse(form.cleaned_data["month"])
    return _close_page(request, month)


def _close_page(request, month, *, close_form=None, reopen_form=None, status=200):
    closed = periods.closed_period(month)
    user = request.user
    return render(
        request,
        "ledger/close/month.html",
        {
            "month": month,
            "closed": closed,
            "has_ended": month.last < timezone.localdate(),
            "checklist": periods.close_checklist(month),
            "history": periods.close_history(),
            "month_form": MonthForm(initial={"month": month.key}),
            "can_close": periods.can_close(user) and closed is None,
            "can_reopen": periods.can_reopen(user) and closed is not None,
            "close_form": close_form or PeriodReasonForm(prefix="close"),
            "reopen_form": reopen_form or PeriodReasonForm(prefix="reopen"),
            "previous": month.previous,
            "next": month.next,
        },
        status=status,
    )


@staff_view(Perm.VIEW_LEDGER)
def month_close(request, year_month):
    return _close_page(request, _month_or_404(year_month))


@require_POST
@staff_view(Perm.VIEW_LEDGER)
def month_close_action(request, year_month):
    """Close the month (the service decides who may)."""
    month = _month_or_404(year_month)
    form = PeriodReasonForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            periods.period_close(month=month, by=request.user, reason=form.cleaned_data["reason"])
        except NotPermitted:
            raise  # a 403: the page's buttons are only shown to those who may
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{month.label} is closed.")
            return redirect(reverse("ledger:month_close", args=[month.key]))
    return _close_page(request, month, close_form=form, status=400)


@require_POST
@staff_view(Perm.VIEW_LEDGER)
def month_reopen_action(request, year_month):
    """Reopen the month (a supervisor; the service decides)."""
    month = _month_or_404(year_month)
    form = PeriodReasonForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            periods.period_reopen(month=month, by=request.user, reason=form.cleaned_data["reason"])
        except NotPermitted:
            raise  # a 403: the page's buttons are only shown to those who may
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{month.label} is open again.")
            return redirect(reverse("ledger:month_close", args=[month.key]))
    return _close_page(request, month, reopen_form=form, status=400)
