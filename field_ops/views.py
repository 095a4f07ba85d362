"""Staff pages of premises, meters, installations and reads. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django_tables2 import RequestConfig

from district import panels
from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from field_ops import selectors
from field_ops.filters import MeterFilterSet, PremiseFilterSet
from field_ops.forms import (
    MeterExchangeForm,
    MeterForm,
    MeterInstallForm,
    MeterRemoveForm,
    MeterStatusForm,
    PremiseForm,
    ReadCorrectForm,
    ReadForm,
    initial_from,
)
from field_ops.models import Meter, MeterRead, Premise
from field_ops.services import installations, meters, premises, reads
from field_ops.services.meters import METER_FIELDS
from field_ops.services.premises import PREMISE_FIELDS
from field_ops.tables import MeterTable, PremiseTable

PAGE_SIZE = 50


def _filtered_list(request, *, filterset, table_class, template: str):
    """A list page: the filter form's choices applied, then sorted (?sort=) and paged (?page=)."""
    table = table_class(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, template, {"filters": filterset, "table": table})


def _flag_labels(read: MeterRead) -> list[str]:
    return [MeterRead.Flag(flag).label for flag in read.flags if flag in MeterRead.Flag.values]


def _saved(request, form, service, **known):
    """What `service` returns for a posted form that parses; None otherwise (a refusal is shown
    at the fields it names). The service gets the acting user, `known` and the form's values."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(by=request.user, **known, **form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return None


# -- premises


@staff_view(Perm.VIEW_ACCOUNTS)
def premise_list(request):
    return _filtered_list(
        request,
        filterset=PremiseFilterSet(request.GET or None, queryset=selectors.premise_list()),
        table_class=PremiseTable,
        template="field_ops/premise_list.html",
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def premise_create(request):
    form = PremiseForm(request.POST or None)
    premise = _saved(request, form, premises.premise_create)
    if premise is not None:
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
    saved = _saved(request, form, premises.premise_update, premise=premise)
    if saved is not None:
        messages.success(request, f"Premise {premise} saved.")
        return redirect("field_ops:premise_detail", premise_id=premise.pk)
    return render(request, "field_ops/premise_form.html", {"form": form, "premise": premise})


@staff_view(Perm.EDIT_ACCOUNTS)
def premise_install(request, premise_id):
    """Set a meter from stock at this premise (the meter typed by serial)."""
    premise = get_object_or_404(Premise, pk=premise_id)
    form = MeterInstallForm(request.POST or None, fixed="premise")
    saved = _saved(request, form, installations.meter_install, premise=premise)
    if saved is not None:
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
    saved = (
        _saved(request, form, installations.meter_exchange, premise=premise) if installed else None
    )
    if saved is not None:
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
    return _filtered_list(
        request,
        filterset=MeterFilterSet(request.GET or None, queryset=selectors.meter_list()),
        table_class=MeterTable,
        template="field_ops/meter_list.html",
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_create(request):
    form = MeterForm(request.POST or None)
    meter = _saved(request, form, meters.meter_create)
    if meter is not None:
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
    saved = _saved(request, form, meters.meter_update, meter=meter)
    if saved is not None:
        messages.success(request, f"Meter {saved.serial} saved.")
        return redirect("field_ops:meter_detail", meter_id=saved.pk)
    return render(request, "field_ops/meter_form.html", {"form": form, "meter": meter})


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_status(request, meter_id):
    """Send a meter that is out of the ground to stock, to test, or to retirement."""
    meter = get_object_or_404(Meter, pk=meter_id)
    form = MeterStatusForm(request.POST or None, meter=meter)
    moved = _saved(request, form, meters.meter_status_change, meter=meter)
    if moved is not None:
        messages.success(request, f"Meter {moved.serial} is now {moved.get_status_display()}.")
        return redirect("field_ops:meter_detail", meter_id=moved.pk)
    return render(request, "field_ops/meter_status.html", {"form": form, "meter": meter})


@staff_view(Perm.EDIT_ACCOUNTS)
def meter_install(request, meter_id):
    """Set this meter at a premise (the premise typed by number; ?premise= preselects it)."""
    meter = get_object_or_404(Meter, pk=meter_id)
    form = MeterInstallForm(
        request.POST or None, fixed="meter", initial={"premise": request.GET.get("premise")}
    )
    installation = (
        _saved(request, form, installations.meter_install, meter=meter)
        if meter.can_be_installed
        else None
    )
    if installation is not None:
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
    saved = (
        _saved(request, form, installations.meter_remove, installation=installation)
        if installation is not None
        else None
    )
    if saved is not None:
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
    read = _saved(request, form, reads.read_record, meter=meter)
    if read is not None:
        flags = ", ".join(_flag_labels(read))
        note = f" Flagged for review: {flags}." if flags else ""
        messages.success(request, f"Reading {read.reading:,} recorded for {meter.serial}.{note}")
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
    correction = (
        _saved(request, form, reads.read_correct, read=read) if superseded_by is None else None
    )
    if correction is not None:
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
