"""The contractor's portal page: their hydrant meters out, and the monthly read they report.
Thin: the access_* selector fetches and authorizes (another contractor's meter answers 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from district.access import customer_view
from district.forms import add_service_error
from hydrants.models import HydrantRead
from hydrants.usage import reads, selectors
from hydrants.usage.forms import ContractorReadForm


@customer_view
@require_http_methods(["GET"])
def my_meters(request):
    issues = selectors.contractor_meters_out(request.user)
    return render(
        request,
        "hydrants/usage/portal_meters.html",
        {"rows": [(issue, ContractorReadForm(prefix=f"m{issue.pk}")) for issue in issues]},
    )


@customer_view
@require_http_methods(["POST"])
def my_meter_read(request, meter_issue_id):
    issue = selectors.access_contractor_issue(request.user, meter_issue_id)
    form = ContractorReadForm(request.POST, prefix=f"m{issue.pk}")
    if form.is_valid():
        try:
            read = reads.hydrant_read_record(
                issue_id=issue.pk,
                read_on=form.cleaned_data["read_on"],
                reading=form.cleaned_data["reading"],
                source=HydrantRead.Source.CONTRACTOR_ONLINE,
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you: read %(reading)s of %(serial)s received.")
                % {"reading": read.reading, "serial": issue.meter.serial},
            )
            return redirect(reverse("hydrants:usage_my_meters"))
    issues = selectors.contractor_meters_out(request.user)
    rows = [
        (other, form if other.pk == issue.pk else ContractorReadForm(prefix=f"m{other.pk}"))
        for other in issues
    ]
    return render(request, "hydrants/usage/portal_meters.html", {"rows": rows}, status=400)
