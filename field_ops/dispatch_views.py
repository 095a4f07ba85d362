"""The dispatch board and the route sheet (thin: parse, call one service, render).

Every action is a plain form post that also works through htmx: without JavaScript the
board reloads at the order; with it, the answer swaps the technician sections and the pool
that changed (out of band) and puts the message in the board's live status line.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from district.access import staff_view
from district.roles import Perm
from field_ops.dispatch import route_sheet as route_sheets
from field_ops.dispatch import selectors as dispatch_selectors
from field_ops.dispatch import services as dispatch_services
from field_ops.forms import DATE_INPUT
from field_ops.models import WorkOrder

BOARD_TEMPLATE = "field_ops/dispatch/board.html"


class BoardDayForm(forms.Form):
    day = forms.DateField(label="Day", required=False, widget=DATE_INPUT)


class _BoardActionForm(forms.Form):
    # The day the board showed, so the answer redraws that board.
    board_day = forms.DateField(required=False, widget=forms.HiddenInput)


class AssignForm(_BoardActionForm):
    technician = forms.ModelChoiceField(
        queryset=dispatch_selectors.field_technicians(),
        error_messages={
            "required": "Choose the technician.",
            "invalid_choice": "Choose one of the field technicians.",
        },
    )
    day = forms.DateField(error_messages={"required": "Choose the day.", "invalid": "Enter a day."})


class PriorityForm(_BoardActionForm):
    priority = forms.ChoiceField(
        choices=WorkOrder.Priority.choices,
        error_messages={"required": "Choose the priority.", "invalid_choice": "Choose a priority."},
    )


class SendDayForm(_BoardActionForm):
    day = forms.DateField(error_messages={"required": "Choose the day."})


def _day_from(value, default: datetime.date) -> datetime.date:
    form = BoardDayForm({"day": value or ""})
    return (form.cleaned_data["day"] if form.is_valid() else None) or default


def _board_url(day: datetime.date, anchor: str = "") -> str:
    url = f"{reverse('field_ops:dispatch_board')}?day={day.isoformat()}"
    return f"{url}#{anchor}" if anchor else url


def _first_error(form: forms.Form) -> str:
    return next(iter(error for errors in form.errors.values() for error in errors))


def _refusal(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "Your role does not allow that."
    return " ".join(error.messages)


def _answer(
    request,
    *,
    board_day: datetime.date,
    technician_ids: set,
    message: str = "",
    error: str = "",
    order_id: int | None = None,
):
    """After an action: the redrawn parts of the board (htmx) or the board itself (no JS)."""
    if not request.htmx:
        (messages.error if error else messages.success)(request, error or message)
        return redirect(_board_url(board_day, f"wo-{order_id}" if order_id else ""))
    board = dispatch_selectors.dispatch_board(day=board_day)
    sections = [board.section(pk) for pk in sorted(pk for pk in technician_ids if pk)]
    return render(
        request,
        f"{BOARD_TEMPLATE}#update",
        {
            "board": board,
            "changed_sections": [section for section in sections if section is not None],
            "message": message,
            "error": error,
            "error_order_id": order_id if error else None,
            "oob": True,
        },
    )


def _order_refused(request, board_day, technician_ids, work_order: WorkOrder, error: str):
    """The board again with the refusal next to the order it concerns."""
    return _answer(
        request,
        board_day=board_day,
        technician_ids=technician_ids,
        error=f"{work_order}: {error}",
        order_id=work_order.pk,
    )


@staff_view(Perm.DISPATCH_WORK_ORDERS)
@require_http_methods(["GET"])
def dispatch_board(request):
    """Each field technician's orders on the day (?day=, default today) and the open pool."""
    today = timezone.localdate()
    day_form = BoardDayForm(request.GET or None)
    day = (day_form.cleaned_data["day"] if day_form.is_valid() else None) or today
    board = dispatch_selectors.dispatch_board(day=day, today=today)
    return render(
        request,
        BOARD_TEMPLATE,
        {
            "board": board,
            "day_form": day_form,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
        },
    )


@staff_view(Perm.DISPATCH_WORK_ORDERS)
@require_POST
def dispatch_assign(request, work_order_id):
    """Give an order to a technician for a day (assign, reschedule or move it)."""
    work_order = get_object_or_404(WorkOrder, pk=work_order_id)
    form = AssignForm(request.POST)
    board_day = _day_from(request.POST.get("board_day"), timezone.localdate())
    touched = {work_order.assigned_to_id}
    if not form.is_valid():
        return _order_refused(request, board_day, touched, work_order, _first_error(form))
    technician, day = form.cleaned_data["technician"], form.cleaned_data["day"]
    try:
        result = dispatch_services.dispatch_assign(
            work_order=work_order, technician=technician, day=day, by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        return _order_refused(request, board_day, touched, work_order, _refusal(error))
    message = f"{work_order} assigned to {dispatch_selectors.technician_name(technician)} for {day:%a %m/%d/%Y}."
    if result.over_capacity:
        message += (
            f" {dispatch_selectors.technician_name(technician)} is over capacity that day: "
            f"{result.load} orders for {result.capacity}."
        )
    return _answer(
        request, board_day=board_day, technician_ids=touched | {technician.pk},
        message=message, order_id=work_order.pk,
    )  # fmt: skip


@staff_view(Perm.DISPATCH_WORK_ORDERS)
@require_POST
def dispatch_priority(request, work_order_id):
    """Raise or lower an order's priority from the board."""
    work_order = get_object_or_404(WorkOrder, pk=work_order_id)
    form = PriorityForm(request.POST)
    board_day = _day_from(request.POST.get("board_day"), timezone.localdate())
    touched = {work_order.assigned_to_id}
    if not form.is_valid():
        return _order_refused(request, board_day, touched, work_order, _first_error(form))
    try:
        work_order = dispatch_services.dispatch_reprioritise(
            work_order=work_order, priority=form.cleaned_data["priority"], by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        return _order_refused(request, board_day, touched, work_order, _refusal(error))
    return _answer(
        request, board_day=board_day, technician_ids=touched,
        message=f"{work_order} is now {work_order.get_priority_display().lower()}.",
        order_id=work_order.pk,
    )  # fmt: skip


@staff_view(Perm.DISPATCH_WORK_ORDERS)
@require_POST
def dispatch_unassign(request, work_order_id):
    """Take an order off its technician and day, back to the pool."""
    work_order = get_object_or_404(
        WorkOrder.objects.select_related("assigned_to"), pk=work_order_id
    )
    board_day = _day_from(request.POST.get("board_day"), timezone.localdate())
    touched = {work_order.assigned_to_id}
    try:
        dispatch_services.dispatch_unassign(work_order=work_order, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _order_refused(request, board_day, touched, work_order, _refusal(error))
    holder = (
        dispatch_selectors.technician_name(work_order.assigned_to) if work_order.assigned_to else ""
    )
    return _answer(
        request, board_day=board_day, technician_ids=touched,
        message=f"{work_order} taken off {holder}'s list, back to the unassigned orders.",
        order_id=work_order.pk,
    )  # fmt: skip


@staff_view(Perm.DISPATCH_WORK_ORDERS)
@require_POST
def dispatch_send_day(request, technician_id):
    """Send the technician's scheduled orders for the day to their phone."""
    technician = get_object_or_404(get_user_model(), pk=technician_id)
    form = SendDayForm(request.POST)
    board_day = _day_from(request.POST.get("board_day"), timezone.localdate())
    if not form.is_valid():
        return _answer(
            request, board_day=board_day, technician_ids={technician.pk},
            error=_first_error(form),
        )  # fmt: skip
    day = form.cleaned_data["day"]
    try:
        sent = dispatch_services.dispatch_send_day(technician=technician, day=day, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _answer(
            request, board_day=board_day, technician_ids={technician.pk}, error=_refusal(error)
        )
    return _answer(
        request, board_day=board_day, technician_ids={technician.pk},
        message=f"{len(sent)} order{'s' if len(sent) != 1 else ''} sent to "
        f"{dispatch_selectors.technician_name(technician)}'s phone for {day:%a %m/%d/%Y}.",
    )  # fmt: skip


# -- the route sheet


def _route_sheet_response(technician, day: datetime.date) -> HttpResponse:
    pdf = route_sheets.route_sheet_pdf(technician=technician, day=day)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"route-sheet-{technician.get_username()}-{day.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _iso_day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404("Give the day as YYYY-MM-DD.") from None


@staff_view(Perm.DISPATCH_WORK_ORDERS)
@require_http_methods(["GET"])
def route_sheet(request, technician_id, day):
    """A technician's day as a printable PDF, in route order (for the dispatcher)."""
    technician = get_object_or_404(get_user_model(), pk=technician_id)
    return _route_sheet_response(technician, _iso_day(day))


@staff_view(Perm.WORK_FIELD_ORDERS)
@require_http_methods(["GET"])
def my_route_sheet(request):
    """The signed-in technician's own route sheet (?day=, default today).

    A crew lead may print another technician's with ?technician=<id>.
    """
    technician = request.user
    other = request.GET.get("technician", "")
    if other and other != str(request.user.pk):
        if not request.user.has_perm(Perm.LEAD_FIELD_CREW):
            raise PermissionDenied("You may print only your own route sheet.")
        if not other.isdigit():
            raise Http404("No such technician.")
        technician = get_object_or_404(get_user_model(), pk=int(other))
    day = _day_from(request.GET.get("day"), timezone.localdate())
    return _route_sheet_response(technician, day)
