"""Staff pages: the day's shut-off list, requesting a reconnection, and the SB 998 report."""

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import ServiceAccount
from billing.shutoffs import clock, selectors
from billing.shutoffs.lists import (
    APPROVE_PERMISSION,
    PREPARE_PERMISSION,
    shutoff_list_approve,
    shutoff_list_prepare,
)
from billing.shutoffs.reconnection import reconnection_request
from district.access import staff_view
from district.roles import Perm


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a date.") from None


def _refusal(request, error) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


@staff_view(PREPARE_PERMISSION)
@require_http_methods(["GET"])
def index(request):
    """Pick a day (the next business day's list is the usual one) and see recent lists."""
    chosen = request.GET.get("day")
    if chosen:
        return redirect("shutoffs:day", day=_day(chosen).isoformat())
    return render(
        request,
        "shutoffs/index.html",
        {"today": clock.today(), "lists": selectors.recent_lists()},
    )


@staff_view(PREPARE_PERMISSION)
@require_http_methods(["GET"])
def day(request, day):
    """The list for a day: each entry with its checks, removed entries with why."""
    on = _day(day)
    shutoff_list = selectors.shutoff_list_for(on)
    entries = selectors.list_entries(shutoff_list) if shutoff_list else []
    orders = selectors.work_orders_by_id(entry.work_order_id for entry in entries)
    rows = [{"entry": entry, "order": orders.get(entry.work_order_id)} for entry in entries]
    return render(
        request,
        "shutoffs/day.html",
        {
            "day": on,
            "shutoff_list": shutoff_list,
            "listed": [row for row in rows if not row["entry"].is_removed],
            "removed": [row for row in rows if row["entry"].is_removed],
            "may_approve": request.user.has_perm(APPROVE_PERMISSION)
            and shutoff_list is not None
            and shutoff_list.can_be_approved
            and shutoff_list.prepared_by_id != request.user.pk,
        },
    )


@staff_view(PREPARE_PERMISSION)
@require_http_methods(["POST"])
def prepare(request, day):
    on = _day(day)
    try:
        shutoff_list = shutoff_list_prepare(on=on, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    else:
        count = shutoff_list.entries.filter(status="listed").count()
        messages.success(request, f"{shutoff_list} prepared: {count} account(s) listed.")
    return redirect("shutoffs:day", day=on.isoformat())


@staff_view(APPROVE_PERMISSION)
@require_http_methods(["POST"])
def approve(request, day):
    on = _day(day)
    shutoff_list = selectors.shutoff_list_for(on)
    if shutoff_list is None:
        raise Http404("No list for that day.")
    try:
        shutoff_list_approve(shutoff_list=shutoff_list, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    else:
        messages.success(request, f"{shutoff_list} approved: shut-off orders created.")
    return redirect("shutoffs:day", day=on.isoformat())


@staff_view(Perm.CREATE_WORK_ORDERS)
@require_http_methods(["POST"])
def reconnect(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("premise"), pk=account_id)
    try:
        disconnection = reconnection_request(
            account=account, by=request.user, after_hours=bool(request.POST.get("after_hours"))
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    else:
        order = disconnection.reconnect_order
        messages.success(
            request,
            f"Reconnection requested: {order} for {order.requested_date:%m/%d/%Y}, "
            f"fee ${disconnection.reconnect_fee:,.2f}.",
        )
    return redirect("accounts:account_detail", account_id=account.pk)


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or clock.today().year)
    except ValueError:
        raise Http404("Not a year.") from None


@staff_view(Perm.VIEW_REPORTS)
@require_http_methods(["GET"])
def report(request):
    """Health & Safety Code 116920: discontinuations for non-payment, by year and month."""
    year = _year(request)
    return render(
        request, "shutoffs/report.html", {"report": selectors.annual_report(year), "year": year}
    )


@staff_view(Perm.VIEW_REPORTS)
@require_http_methods(["GET"])
def report_csv(request, year):
    report_data = selectors.annual_report(year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="shutoffs-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["month", "notices", "shut_offs", "reconnections", "average_days_to_reconnect"])
    for row in report_data.months:
        writer.writerow(
            [
                row.month.strftime("%Y-%m"),
                "" if row.notices is None else row.notices,
                row.shutoffs,
                row.reconnections,
                "" if row.average_days_to_reconnect is None else row.average_days_to_reconnect,
            ]
        )
    writer.writerow(["residential discontinuations", "", report_data.residential_discontinuations])
    return response
