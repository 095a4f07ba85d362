"""Staff pages of premises, meters, installations and reads. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode

from district import panels
from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from field_ops import selectors
from field_ops.forms import (
    MeterExchangeForm,
    MeterFilterForm,
    MeterForm,
    MeterInstallForm,
    MeterRemoveForm,
    MeterStatusForm,
    PremiseFilterForm,
    PremiseForm,
    ReadCorrectForm,
    ReadForm,
    initial_from,
)
from field_ops.models import Meter, MeterRead, Premise
from field_ops.services import installations, meters, premises, reads
from field_ops.services.meters import METER_FIELDS
from field_ops.services.premises import PREMISE_FIELDS

PAGE_SIZE = 50


def _query(**filters) -> str:
    """The filters as a query-string prefix for page links ("route=R01&"), or ""."""
    present = {name: value for name, value in filters.items() if value}
    return f"{urlencode(present)}&" if present else ""


def _flag_labels(read: MeterRead) -> list[str]:
    return [MeterRead.Flag(flag).label for flag in read.flags if flag in MeterRead.Flag.values]


def _submitted(request, form) -> bool:
    return request.method == "POST" and form.is_valid()


# -- premises


@staff_view(Perm.VIEW_ACCOUNTS)
def premise_list(request):
    filters = PremiseFilterForm(request.GET or None)
    route = filters.cleaned_data["route"] if filters.is_valid() else ""
    page = Paginator(selectors.premise_list(route=route), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "field_ops/premise_list.html",
        {"filters": filters, "page": page, "route": route, "page_query": _query(route=route)},
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def premise_create(request):
    form = PremiseForm(request.POST or None)
    if _submitted(request, form):
        try:
            premise = premises.premise_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Premise {premise} recorded.")
            return redirect("field_ops:premise_detail", premise_id=premise.pk)
    return render(request, "field_ops/premise_form.html", {"form": form, "premise": None})


@staff_view(Perm.VIEW_ACCOUNTS)
def premise_detail(request, premise_id):
    premise = get_object_or_404(Premise, pk=premise_id)
    installations = list(selectors.premise_installations(premise))
    return render(
        request,
        "field_ops/premise_detail.html",
        {
            "premise": premise,
            "installed": [item for item in installations if item.removed_on is None],
            "installations": installations,
            "panels": panels.render_panels("premise", request, premise=premise),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def premise_edit(request, premise_id):
    premise = get_object_or_404(Premise, pk=premise_id)
    form = PremiseForm(request.POST or None, initial=initial_from(premise, PREMISE_FIELDS))
    if _submitted(request, form):
        try:
            premises.premise_update(premise=premise, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Premise {premise} saved.")
            return redirect("field_ops:premise_detail", premise_id=premise.pk)
    return render(request, "field_ops/premise_form.html", {"form": form, "premise": premise})


@staff_view(Perm.EDIT_ACCOUNTS)
def premise_install(request, premise_id):
    """Set a meter from stock at this premise (the meter typed by serial)."""
    premise = get_object_or_404(Premise, pk=premise_id)
    form = MeterInstallForm(request.POST or None, fixed="premise")
    if _submitted(request, form):
        try:
            installations.meter_install(
                meter=form.cleaned_data["meter"],
                premise=premise,
                installed_on=form.cleaned_data["installed_on"],
                reading=form.cleaned_data["reading"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Meter {form.cleaned_data['meter'].serial} installed.")
            return redirect("field_ops:premise_detail", premise_id=premise.pk)
    return render(
        request,
        "field_ops/meter_install.html",
        {"form": form, "premise": premise, "meter": None},
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_exchange(request, premise_id):
    premise = get_object_or_404(Premise, pk=premise_id)
    installed = [installation.meter for installation in selectors.installed_meters(premise)]
    form = MeterExchangeForm(request.POST or None, installed=installed)
    if installed and _submitted(request, form):
        try:
            installations.meter_exchange(premise=premise, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Meter {form.cleaned_data['old_meter'].serial} exchanged for "
                f"{form.cleaned_data['new_meter'].serial}.",
            )
            return redirect("field_ops:premise_detail", premise_id=premise.pk)
    return render(
        request,
        "field_ops/meter_exchange.html",
        {"form": form, "premise": premise, "installed": installed},
    )


# -- meters


@staff_view(Perm.VIEW_ACCOUNTS)
def meter_list(request):
    filters = MeterFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(selectors.meter_list(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "field_ops/meter_list.html",
        {"filters": filters, "page": page, "status": status, "page_query": _query(status=status)},
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_create(request):
    form = MeterForm(request.POST or None)
    if _submitted(request, form):
        try:
            meter = meters.meter_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Meter {meter.serial} received into stock.")
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    return render(request, "field_ops/meter_form.html", {"form": form, "meter": None})


@staff_view(Perm.VIEW_ACCOUNTS)
def meter_detail(request, meter_id):
    meter = get_object_or_404(Meter, pk=meter_id)
    history = selectors.meter_history(meter)
    for read in history.reads:
        read.flag_labels = _flag_labels(read)
    current = next((item for item in history.installations if item.removed_on is None), None)
    return render(
        request,
        "field_ops/meter_detail.html",
        {
            "meter": meter,
            "history": history,
            "current": current,
            "status_form": MeterStatusForm(meter=meter),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_edit(request, meter_id):
    meter = get_object_or_404(Meter, pk=meter_id)
    form = MeterForm(request.POST or None, initial=initial_from(meter, METER_FIELDS))
    if _submitted(request, form):
        try:
            meter = meters.meter_update(meter=meter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Meter {meter.serial} saved.")
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    return render(request, "field_ops/meter_form.html", {"form": form, "meter": meter})


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_status(request, meter_id):
    """Send a meter that is out of the ground to stock, to test, or to retirement."""
    meter = get_object_or_404(Meter, pk=meter_id)
    form = MeterStatusForm(request.POST or None, meter=meter)
    if _submitted(request, form):
        try:
            meter = meters.meter_status_change(
                meter=meter, to_status=form.cleaned_data["to_status"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Meter {meter.serial} is now {meter.get_status_display()}.")
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    return render(request, "field_ops/meter_status.html", {"form": form, "meter": meter})


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_install(request, meter_id):
    """Set this meter at a premise (the premise typed by number; ?premise= preselects it)."""
    meter = get_object_or_404(Meter, pk=meter_id)
    form = MeterInstallForm(
        request.POST or None, fixed="meter", initial={"premise": request.GET.get("premise")}
    )
    if meter.can_be_installed and _submitted(request, form):
        try:
            installation = installations.meter_install(meter=meter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Meter {meter.serial} installed at {installation.premise}.")
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    return render(
        request, "field_ops/meter_install.html", {"form": form, "meter": meter, "premise": None}
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_remove(request, meter_id):
    meter = get_object_or_404(Meter, pk=meter_id)
    installation = selectors.active_installation(meter)
    form = MeterRemoveForm(request.POST or None)
    if installation is not None and _submitted(request, form):
        try:
            installations.meter_remove(installation=installation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Meter {meter.serial} removed from {installation.premise}.")
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    return render(
        request,
        "field_ops/meter_remove.html",
        {"form": form, "meter": meter, "installation": installation},
    )


# -- reads


@staff_view(Perm.ENTER_READS)
def read_create(request, meter_id):
    meter = get_object_or_404(Meter, pk=meter_id)
    form = ReadForm(request.POST or None)
    if _submitted(request, form):
        try:
            read = reads.read_record(meter=meter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            flags = ", ".join(_flag_labels(read))
            note = f" Flagged for review: {flags}." if flags else ""
            messages.success(
                request, f"Reading {read.reading:,} recorded for {meter.serial}.{note}"
            )
            return redirect("field_ops:meter_detail", meter_id=meter.pk)
    return render(
        request,
        "field_ops/read_form.html",
        {
            "form": form,
            "meter": meter,
            "recent": selectors.current_reads(meter, limit=3),
            "installation": selectors.active_installation(meter),
        },
    )


@staff_view(Perm.ENTER_READS)
def read_correct(request, read_id):
    read = get_object_or_404(MeterRead.objects.select_related("meter", "entered_by"), pk=read_id)
    form = ReadCorrectForm(request.POST or None, initial={"source": read.source})
    superseded_by = MeterRead.objects.filter(supersedes=read).first()
    if superseded_by is None and _submitted(request, form):
        try:
            correction = reads.read_correct(read=read, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Read of {read.read_on:%m/%d/%Y} corrected from {read.reading:,} "
                f"to {correction.reading:,}.",
            )
            return redirect("field_ops:meter_detail", meter_id=read.meter_id)
    return render(
        request,
        "field_ops/read_correct.html",
        {"form": form, "read": read, "meter": read.meter, "superseded_by": superseded_by},
    )
