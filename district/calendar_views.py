"""The office calendar: the legal holidays and the closures a supervisor records, which decide
the business days that collections notices count and shut-offs avoid."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from district.access import staff_view
from district.business_days import days_off, office_closure_record, office_closure_remove
from district.forms import add_service_error
from district.models import OfficeClosure
from district.roles import Perm

SHOWN_DAYS = 366


class OfficeClosureForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    # Not required here: the service says what a missing reason means.
    reason = forms.CharField(
        max_length=120, required=False, help_text="Shown to staff, e.g. “Storm: office closed”."
    )
    office_open = forms.BooleanField(
        label="The office opens this day although it is a holiday", required=False
    )


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def office_calendar(request):
    """The coming year's days off; a supervisor records a closure or an opening."""
    can_edit = request.user.has_perm(Perm.MANAGE_POLICIES)
    status = 200
    form = OfficeClosureForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only a supervisor changes the office calendar.")
        form = OfficeClosureForm(request.POST)
        if form.is_valid():
            try:
                closure = office_closure_record(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Recorded {closure}.")
                return redirect("office_calendar")
        status = 400
    today = timezone.localdate()
    return render(
        request,
        "district/office_calendar.html",
        {
            "days": days_off(today, today + datetime.timedelta(days=SHOWN_DAYS)),
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


@staff_view(Perm.MANAGE_POLICIES)
@require_POST
def office_closure_delete(request, closure_id):
    closure = get_object_or_404(OfficeClosure, pk=closure_id)
    office_closure_remove(closure=closure, by=request.user)
    messages.success(request, f"Removed {closure} from the calendar.")
    return redirect("office_calendar")
