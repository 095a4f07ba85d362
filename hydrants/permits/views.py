"""Staff pages of permits, meter issue and the watch lists. Thin: parse, call a service, render."""

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from district.access import staff_view
from district.errors import ServiceError
from district.forms import add_service_error
from district.roles import Perm
from hydrants.inventory.views import filtered_list, saved
from hydrants.models import HydrantPermit
from hydrants.permits import selectors, services
from hydrants.permits.forms import MeterIssueForm, PermitCancelForm, PermitForm, PermitRenewForm
from hydrants.permits.tables import PermitFilterSet, PermitTable


def _permit(permit_id) -> HydrantPermit:
    try:
        return selectors.permit_for_page(permit_id)
    except HydrantPermit.DoesNotExist:
        raise Http404("No such permit.") from None


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def permit_list(request):
    return filtered_list(
        request,
        filterset=PermitFilterSet(request.GET or None, queryset=selectors.permit_list()),
        table_class=PermitTable,
        template="hydrants/permit_list.html",
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def permit_create(request):
    form = PermitForm(request.POST or None, request.FILES or None)
    permit = saved(request, form, services.permit_create)
    if permit is not None:
        messages.success(request, f"{permit} drafted: send it for approval when it is complete.")
        return redirect("hydrants:permit_detail", hydrant_permit_id=permit.pk)
    return render(request, "hydrants/permit_form.html", {"form": form})


def _permit_page(request, permit, *, cancel_form=None, renew_form=None, status=200):
    return render(
        request,
        "hydrants/permit_detail.html",
        {
            "permit": permit,
            "approvals": selectors.permit_approvals(permit),
            "issues": selectors.permit_issues(permit),
            "payment": selectors.permit_payment_state(permit),
            "cancel_form": cancel_form or PermitCancelForm(),
            "renew_form": renew_form or PermitRenewForm(),
        },
        status=status,
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def permit_detail(request, hydrant_permit_id):
    return _permit_page(request, _permit(hydrant_permit_id))


@staff_view(Perm.HYDRANT_RENTALS)
@require_POST
def permit_submit(request, hydrant_permit_id):
    permit = _permit(hydrant_permit_id)
    try:
        permit = services.permit_submit(permit=permit, by=request.user)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{permit} sent for approval.")
    return redirect("hydrants:permit_detail", hydrant_permit_id=permit.pk)


@staff_view(Perm.HYDRANT_RENTALS)
@require_POST
def permit_cancel(request, hydrant_permit_id):
    permit = _permit(hydrant_permit_id)
    form = PermitCancelForm(request.POST)
    cancelled = saved(request, form, services.permit_cancel, permit=permit)
    if cancelled is not None:
        messages.success(request, f"{cancelled} cancelled.")
        return redirect("hydrants:permit_detail", hydrant_permit_id=permit.pk)
    return _permit_page(request, _permit(hydrant_permit_id), cancel_form=form, status=400)


@staff_view(Perm.HYDRANT_RENTALS)
@require_POST
def permit_renew(request, hydrant_permit_id):
    permit = _permit(hydrant_permit_id)
    form = PermitRenewForm(request.POST, request.FILES)
    renewal = saved(request, form, services.permit_renew, permit=permit)
    if renewal is not None:
        messages.success(request, f"{renewal} drafted as the renewal of {permit}.")
        return redirect("hydrants:permit_detail", hydrant_permit_id=renewal.pk)
    return _permit_page(request, _permit(hydrant_permit_id), renew_form=form, status=400)


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def permit_insurance(request, hydrant_permit_id):
    """The insurance certificate on file, shown in the browser (PDF or photo)."""
    permit = _permit(hydrant_permit_id)
    if not permit.insurance_certificate:
        raise Http404("No certificate on file.")
    content_type = mimetypes.guess_type(permit.insurance_certificate.name)[0]
    response = FileResponse(
        permit.insurance_certificate.open("rb"),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def meter_issue(request, hydrant_permit_id):
    """Hand a meter over the counter: serial, start read, accessories, who took it."""
    permit = _permit(hydrant_permit_id)
    form = MeterIssueForm(request.POST or None)
    issue = None
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.meter_issue(permit=permit, by=request.user, **form.service_values())
        except ServiceError as error:
            add_service_error(form, error)
    if issue is not None:
        messages.success(
            request,
            f"{issue.meter} issued on {permit}; the set order WO-{issue.set_work_order_id:06d} "
            "is with dispatch.",
        )
        return redirect("hydrants:permit_detail", hydrant_permit_id=permit.pk)
    return render(
        request,
        "hydrants/meter_issue.html",
        {"form": form, "permit": permit, "payment": selectors.permit_payment_state(permit)},
        status=400 if request.method == "POST" else 200,
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def meters_out(request):
    return render(request, "hydrants/meters_out.html", {"rows": selectors.meters_out()})


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def expiring(request):
    """Permits ending and insurance expiring within 30 days (or past and still open)."""
    return render(
        request,
        "hydrants/expiring.html",
        {
            "days": selectors.WATCH_DAYS,
            "permits": list(selectors.permits_expiring()),
            "insured": list(selectors.insurance_expiring()),
        },
    )
