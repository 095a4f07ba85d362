"""Staff pages of billing cycles and the billing calendar. Thin: parse, call a service, render."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from billing.calendar import services as calendar
from billing.calendar.forms import BillingCycleForm, PeriodsGenerateForm
from billing.models import BillingCycle, BillingPeriod
from billing.reads.selectors import period_progress
from billing.reads.services import reads_estimate_missing
from district.access import staff_view
from district.errors import ServiceError
from district.forms import add_service_error
from district.roles import Perm

CALENDAR_MONTHS = 3


def _month_from(text: str) -> datetime.date:
    """The first of the month typed as YYYY-MM (this month when missing or mistyped)."""
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _back_to(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _period_label(period: BillingPeriod) -> str:
    return f"{period.cycle.code} {period.period_start:%m/%d/%Y} to {period.period_end:%m/%d/%Y}"


# -- the calendar


@staff_view(Perm.VIEW_ACCOUNTS)
def calendar_page(request):
    first = _month_from(request.GET.get("month", ""))
    return render(
        request,
        "billing/calendar/calendar.html",
        {
            "months": calendar.calendar_months(first_month=first, months=CALENDAR_MONTHS),
            "first": first,
            "previous_month": calendar.add_months(first, -CALENDAR_MONTHS),
            "next_month": calendar.add_months(first, CALENDAR_MONTHS),
            "can_schedule": request.user.has_perm(Perm.RUN_BILLING),
            "today": timezone.localdate(),
        },
    )


@staff_view(Perm.VIEW_ACCOUNTS)
def period_detail(request, period_id):
    period = get_object_or_404(
        BillingPeriod.objects.select_related("cycle", "scheduled_by"), pk=period_id
    )
    return render(
        request,
        "billing/calendar/period_detail.html",
        {
            "period": period,
            "progress": period_progress(period),
            "can_schedule": request.user.has_perm(Perm.RUN_BILLING),
            "window_closed": period.read_window_end < timezone.localdate(),
        },
    )


@staff_view(Perm.RUN_BILLING)
def period_schedule(request, period_id):
    """GET: confirm; POST: schedule the period's bill run (or, with action=cancel, undo it)."""
    period = get_object_or_404(BillingPeriod.objects.select_related("cycle"), pk=period_id)
    month = period.period_end.strftime("%Y-%m")
    back = _back_to(request, f"{reverse('billing:calendar')}?month={month}")
    if request.method == "POST":
        cancel = request.POST.get("action") == "cancel"
        service = calendar.period_unschedule if cancel else calendar.period_schedule
        try:
            service(period=period, by=request.user)
        except ServiceError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = "taken off the schedule" if cancel else "scheduled"
            messages.success(request, f"Bill run for {_period_label(period)} {done}.")
        return redirect(back)
    return render(
        request, "billing/calendar/period_schedule.html", {"period": period, "back": back}
    )


@staff_view(Perm.RUN_BILLING)
def period_estimate(request, period_id):
    """GET: what would be estimated; POST: estimate the period's missing reads."""
    period = get_object_or_404(BillingPeriod.objects.select_related("cycle"), pk=period_id)
    if request.method == "POST":
        try:
            result = reads_estimate_missing(cycle=period.cycle, period=period, by=request.user)
        except ValidationError as error:  # read_record's refusals too
            messages.error(request, " ".join(error.messages))
        else:
            count = len(result.created)
            messages.success(
                request,
                f"{count} read{'' if count == 1 else 's'} estimated for {_period_label(period)}.",
            )
            for meter, reason in result.not_estimated[:20]:
                messages.warning(request, f"Meter {meter.serial} not estimated: {reason}.")
        return redirect("billing:period_detail", period_id=period.pk)
    return render(
        request,
        "billing/calendar/period_estimate.html",
        {
            "period": period,
            "progress": period_progress(period),
            "window_closed": period.read_window_end < timezone.localdate(),
        },
    )


# -- cycles


@staff_view(Perm.RUN_BILLING)
def cycle_list(request):
    return render(request, "billing/calendar/cycle_list.html", {"rows": calendar.cycle_list()})


@staff_view(Perm.RUN_BILLING)
def cycle_create(request):
    form = BillingCycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = calendar.cycle_create(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Cycle {cycle.code} created: now generate its periods.")
            return redirect("billing:cycle_detail", cycle_id=cycle.pk)
    return render(request, "billing/calendar/cycle_form.html", {"form": form, "cycle": None})


@staff_view(Perm.RUN_BILLING)
def cycle_edit(request, cycle_id):
    cycle = get_object_or_404(BillingCycle, pk=cycle_id)
    form = BillingCycleForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in calendar.CYCLE_EDITABLE_FIELDS}
        try:
            cycle = calendar.cycle_update(cycle=cycle, by=request.user, **fields)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Cycle {cycle.code} saved.")
            return redirect("billing:cycle_detail", cycle_id=cycle.pk)
    return render(request, "billing/calendar/cycle_form.html", {"form": form, "cycle": cycle})


@staff_view(Perm.RUN_BILLING)
def cycle_detail(request, cycle_id):
    """The cycle and its periods; POST generates periods."""
    cycle = get_object_or_404(BillingCycle, pk=cycle_id)
    form = PeriodsGenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = calendar.periods_generate(cycle=cycle, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            count = len(created)
            if count:
                messages.success(
                    request, f"{count} period{'' if count == 1 else 's'} added to {cycle.code}."
                )
            else:
                messages.info(request, f"{cycle.code} already has those periods: none added.")
            return redirect("billing:cycle_detail", cycle_id=cycle.pk)
    return render(
        request,
        "billing/calendar/cycle_detail.html",
        {"cycle": cycle, "periods": calendar.cycle_periods(cycle), "form": form},
    )
