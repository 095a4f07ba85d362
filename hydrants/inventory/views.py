"""Staff pages of the fleet: hydrant meters and hydrants. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from district.access import staff_view
from district.forms import add_service_error
from district.policies import policy_value
from district.roles import Perm
from field_ops.forms import initial_from
from hydrants.inventory import selectors, services
from hydrants.inventory.filters import HydrantFilterSet, HydrantMeterFilterSet
from hydrants.inventory.forms import HydrantForm, HydrantMeterForm, HydrantMeterMoveForm
from hydrants.inventory.tables import HydrantMeterTable, HydrantTable
from hydrants.models import Hydrant, HydrantMeter
from hydrants.reference_data import DROUGHT_STAGE

PAGE_SIZE = 50


def filtered_list(request, *, filterset, table_class, template: str, extra=None):
    """A list page: the filter form's choices applied, then sorted (?sort=) and paged."""
    table = table_class(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, template, {"filters": filterset, "table": table, **(extra or {})})


def saved(request, form, service, **known):
    """What `service` returns for a posted form that parses; None otherwise (a refusal is shown
    at the fields it names). The service gets the acting user, `known` and the form's values."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(by=request.user, **known, **form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return None


# -- meters


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def meter_list(request):
    return filtered_list(
        request,
        filterset=HydrantMeterFilterSet(
            request.GET or None, queryset=selectors.hydrant_meter_list()
        ),
        table_class=HydrantMeterTable,
        template="hydrants/meter_list.html",
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def meter_create(request):
    form = HydrantMeterForm(request.POST or None)
    meter = saved(request, form, services.hydrant_meter_create)
    if meter is not None:
        messages.success(request, f"{meter} received into stock.")
        return redirect("hydrants:meter_detail", hydrant_meter_id=meter.pk)
    return render(request, "hydrants/meter_form.html", {"form": form, "meter": None})


def _meter_page(request, meter, *, move_form=None, status=200):
    return render(
        request,
        "hydrants/meter_detail.html",
        {
            "meter": meter,
            "custody": selectors.hydrant_meter_custody(meter),
            "move_form": move_form or HydrantMeterMoveForm(meter=meter),
        },
        status=status,
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def meter_detail(request, hydrant_meter_id):
    return _meter_page(request, get_object_or_404(HydrantMeter, pk=hydrant_meter_id))


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def meter_edit(request, hydrant_meter_id):
    meter = get_object_or_404(HydrantMeter, pk=hydrant_meter_id)
    form = HydrantMeterForm(
        request.POST or None, initial=initial_from(meter, services.METER_FIELDS)
    )
    updated = saved(request, form, services.hydrant_meter_update, meter=meter)
    if updated is not None:
        messages.success(request, f"{updated} saved.")
        return redirect("hydrants:meter_detail", hydrant_meter_id=updated.pk)
    return render(request, "hydrants/meter_form.html", {"form": form, "meter": meter})


@staff_view(Perm.HYDRANT_RENTALS)
@require_POST
def meter_move(request, hydrant_meter_id):
    """Send a meter to test or repair, back to stock, lost or retired (with the reason)."""
    meter = get_object_or_404(HydrantMeter, pk=hydrant_meter_id)
    form = HydrantMeterMoveForm(request.POST, meter=meter)
    moved = saved(request, form, services.hydrant_meter_move, meter=meter)
    if moved is not None:
        messages.success(request, f"{moved} is now {moved.get_status_display().lower()}.")
        return redirect("hydrants:meter_detail", hydrant_meter_id=moved.pk)
    return _meter_page(request, meter, move_form=form, status=400)


# -- hydrants


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def hydrant_list(request):
    return filtered_list(
        request,
        filterset=HydrantFilterSet(request.GET or None, queryset=selectors.hydrant_list()),
        table_class=HydrantTable,
        template="hydrants/hydrant_list.html",
        extra={"drought_stage": policy_value(DROUGHT_STAGE)},
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def hydrant_create(request):
    form = HydrantForm(request.POST or None)
    hydrant = saved(request, form, services.hydrant_create)
    if hydrant is not None:
        messages.success(request, f"{hydrant} recorded.")
        return redirect("hydrants:hydrant_detail", hydrant_id=hydrant.pk)
    return render(request, "hydrants/hydrant_form.html", {"form": form, "hydrant": None})


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET"])
def hydrant_detail(request, hydrant_id):
    hydrant = get_object_or_404(Hydrant, pk=hydrant_id)
    permits = hydrant.permits.select_related("account__customer").order_by("-starts_on", "-id")
    return render(
        request,
        "hydrants/hydrant_detail.html",
        {
            "hydrant": hydrant,
            "permits": list(permits[:50]),
            "restricted_now": hydrant.restricted_at(policy_value(DROUGHT_STAGE)),
        },
    )


@staff_view(Perm.HYDRANT_RENTALS)
@require_http_methods(["GET", "POST"])
def hydrant_edit(request, hydrant_id):
    hydrant = get_object_or_404(Hydrant, pk=hydrant_id)
    form = HydrantForm(request.POST or None, initial=initial_from(hydrant, services.HYDRANT_FIELDS))
    updated = saved(request, form, services.hydrant_update, hydrant=hydrant)
    if updated is not None:
        messages.success(request, f"{updated} saved.")
        return redirect("hydrants:hydrant_detail", hydrant_id=updated.pk)
    return render(request, "hydrants/hydrant_form.html", {"form": form, "hydrant": hydrant})
