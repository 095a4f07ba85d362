"""Meter accuracy tests, retiring a meter, and the stock summary (thin: parse, call, render)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from field_ops import meter_tests
from field_ops.forms import DATE_INPUT
from field_ops.models import Meter


class MeterTestForm(forms.Form):
    tested_on = forms.DateField(label="Test date", widget=DATE_INPUT)
    accuracy_percent = forms.CharField(
        label="Accuracy (percent)",
        max_length=8,
        help_text="Registered volume as a percent of the true volume, e.g. 99.2. "
        "Pass or fail follows the district's limits for the meter's size.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    notes = forms.CharField(label="Notes", required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tested_on"].initial = timezone.localdate()


class MeterRetireForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=meter_tests.MAX_REASON, help_text="E.g. failed accuracy test."
    )


def _outcome(test) -> str:
    verdict = "passed" if test.passed else "failed"
    text = f"Meter {test.meter.serial} {verdict} at {test.accuracy_percent}%."
    if test.meter.status in (Meter.Status.IN_STOCK, Meter.Status.RETIRED):
        text += f" It is now {test.meter.get_status_display().lower()}."
    if not test.passed and test.meter.status == Meter.Status.INSTALLED:
        text += " It is still installed: create a meter exchange order."
    return text


@staff_view(Perm.EDIT_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def meter_test_new(request, meter_id):
    """Record an accuracy test of the meter (pass or fail follows the size's limits)."""
    meter = get_object_or_404(Meter, pk=meter_id)
    form = MeterTestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            test = meter_tests.meter_test_record(meter=meter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            (messages.success if test.passed else messages.warning)(request, _outcome(test))
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    low, high = meter_tests.accuracy_limits(meter.size)
    return render(
        request,
        "field_ops/meter_tests/new.html",
        {
            "form": form,
            "meter": meter,
            "low": low,
            "high": high,
            "tests": meter_tests.tests_for_meter(meter),
        },
        status=400 if form.errors else 200,
    )


@staff_view(Perm.EDIT_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def meter_retire(request, meter_id):
    """Take a meter out of service for good, with the reason kept in its history."""
    meter = get_object_or_404(Meter, pk=meter_id)
    form = MeterRetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meter = meter_tests.meter_retire(
                meter=meter, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Meter {meter.serial} is retired.")
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    return render(
        request,
        "field_ops/meter_tests/retire.html",
        {
            "form": form,
            "meter": meter,
            "can_retire": meter.can_be_retired,
        },
        status=400 if form.errors else 200,
    )


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def meter_stock(request):
    """How many meters of each size are on the shelf, in test, removed, retired, installed."""
    rows, totals = meter_tests.meter_stock_by_size()
    return render(
        request,
        "field_ops/meter_tests/stock.html",
        {"rows": rows, "totals": totals},
    )
