"""Staff pages of hydrant meter usage: meters out, one meter's reads and bills with its return
(pick-up, return, inspection, final bill, lost), the permit's settlement, the overdue reads and
the deposits held. Thin: parse, call one service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.forms import add_service_error
from district.ledger.selectors import account_balance
from district.money import format_money
from district.roles import Perm
from hydrants.models import (
    HydrantInspectionPhoto,
    HydrantPermit,
    HydrantSettlement,
    MeterIssue,
)
from hydrants.usage import reads, returns, selectors, settlement
from hydrants.usage.forms import HydrantInspectionForm, HydrantReadForm, LostMeterForm, SettleForm


def _posted(request):
    """The form's data on a POST (even an empty one), None on a GET."""
    return request.POST if request.method == "POST" else None


def _issue_url(issue_id: int) -> str:
    return reverse("hydrants:usage_issue", kwargs={"meter_issue_id": issue_id})


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def meters_out(request):
    return render(
        request,
        "hydrants/usage/meters_out.html",
        {"issues": selectors.meters_out(), "to_finish": selectors.issues_to_finish()},
    )


def _usage(issue_id: int) -> selectors.IssueUsage:
    try:
        return selectors.issue_usage(issue_id)
    except MeterIssue.DoesNotExist:
        raise Http404("No such meter issue.") from None


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def issue(request, meter_issue_id):
    """One lent meter: its reads (and the read form), bills, return and inspection."""
    form = HydrantReadForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                read = reads.hydrant_read_record(
                    issue_id=meter_issue_id,
                    read_on=data["read_on"],
                    reading=data["reading"],
                    source=data["source"],
                    is_final=data["is_final"],
                    notes=data["notes"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                note = " (flagged: the drought stage restricts this hydrant)" if read.flags else ""
                messages.success(request, f"Read {read.reading} recorded{note}.")
                return redirect(_issue_url(meter_issue_id))
        status = 400
    usage = _usage(meter_issue_id)
    user = request.user
    return render(
        request,
        "hydrants/usage/issue.html",
        {
            "usage": usage,
            "issue": usage.issue,
            "permit": usage.issue.permit,
            "form": form,
            "may_read": user.has_perm(Perm.ENTER_READS) and usage.issue.is_open,
            "may_return": user.has_perm(Perm.HYDRANT_RENTALS),
            "has_final_read": any(read.is_final for read in usage.reads),
            "has_final_bill": any(not bill.is_monthly for bill in usage.bills),
            "settlement": HydrantSettlement.objects.filter(permit_id=usage.issue.permit_id).first(),
        },
        status=status,
    )


def _act(request, meter_issue_id, action, done):
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done(result))
    return redirect(_issue_url(meter_issue_id))


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["POST"])
def return_start(request, meter_issue_id):
    return _act(
        request,
        meter_issue_id,
        lambda: returns.meter_return_start(issue_id=meter_issue_id, by=request.user),
        lambda order: f"Pick-up order {order} is with field operations.",
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["POST"])
def return_record(request, meter_issue_id):
    return _act(
        request,
        meter_issue_id,
        lambda: returns.meter_return_record(issue_id=meter_issue_id, by=request.user),
        lambda issue: f"Meter {issue.meter.serial} is back; inspect it next.",
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["POST"])
def final_bill(request, meter_issue_id):
    return _act(
        request,
        meter_issue_id,
        lambda: returns.hydrant_final_bill(issue_id=meter_issue_id, by=request.user),
        lambda bill: f"Final bill of {format_money(bill.total)} posted.",
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def inspection(request, meter_issue_id):
    usage = _usage(meter_issue_id)
    form = HydrantInspectionForm(
        _posted(request), request.FILES if request.method == "POST" else None
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                returns.hydrant_inspection_record(
                    issue_id=meter_issue_id,
                    by=request.user,
                    inspected_on=data["inspected_on"],
                    meter_test_result=data["meter_test_result"],
                    accuracy_percent=data["accuracy_percent"],
                    backflow_test_result=data["backflow_test_result"],
                    damage_items=data["damage_items"],
                    parts_charge=data["parts_charge"],
                    labour_charge=data["labour_charge"],
                    notes=data["notes"],
                    photos=data["photos"] or [],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Inspection recorded.")
                return redirect(_issue_url(meter_issue_id))
        status = 400
    return render(
        request,
        "hydrants/usage/inspection.html",
        {"usage": usage, "issue": usage.issue, "form": form},
        status=status,
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def lost(request, meter_issue_id):
    usage = _usage(meter_issue_id)
    form = LostMeterForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                bill = returns.hydrant_meter_lost(
                    issue_id=meter_issue_id,
                    by=request.user,
                    reported_on=form.cleaned_data["reported_on"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, f"Meter reported lost: {format_money(bill.total)} charged."
                )
                return redirect(_issue_url(meter_issue_id))
        status = 400
    return render(
        request,
        "hydrants/usage/lost.html",
        {
            "usage": usage,
            "issue": usage.issue,
            "form": form,
            "daily_use": returns.average_daily_use(usage.issue),
        },
        status=status,
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def settle(request, permit_id):
    permit = get_object_or_404(
        HydrantPermit.objects.select_related("account__customer", "deposit", "hydrant"),
        pk=permit_id,
    )
    form = SettleForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = settlement.hydrant_settle(
                    permit_id=permit.pk,
                    by=request.user,
                    refund_amount=form.cleaned_data["refund_amount"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _settled_message(done))
                return redirect(reverse("hydrants:usage_settle", kwargs={"permit_id": permit.pk}))
        status = 400
    issues = list(permit.issues.select_related("meter").prefetch_related("bills"))
    deposit = settlement.held_deposit_of(permit)
    return render(
        request,
        "hydrants/usage/settle.html",
        {
            "permit": permit,
            "issues": issues,
            "deposit": deposit,
            "balance": account_balance(permit.account_id),
            "settlement": HydrantSettlement.objects.filter(permit=permit).first(),
            "form": form,
        },
        status=status,
    )


def _settled_message(done: HydrantSettlement) -> str:
    if done.refund_amount:
        return f"Permit settled: {format_money(done.refund_amount)} sent for refund approval."
    if done.balance_due:
        return f"Permit settled: {format_money(done.balance_due)} is still owed on the account."
    return "Permit settled: the deposit covered the charges exactly."


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def overdue_reads(request):
    today = timezone.localdate()
    return render(
        request,
        "hydrants/usage/overdue_reads.html",
        {"rows": selectors.overdue_reads(today), "due_on": selectors.last_due_date(today)},
    )


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def deposits_held(request):
    return render(
        request, "hydrants/usage/deposits_held.html", {"held": selectors.hydrant_deposits_held()}
    )


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def inspection_photo(request, inspection_photo_id):
    photo = get_object_or_404(HydrantInspectionPhoto, pk=inspection_photo_id)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The photo's file is missing.") from None
    return FileResponse(handle, content_type=photo.content_type, filename=photo.original_name)
