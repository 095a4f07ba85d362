"""The field technician's phone pages: today's orders, and one order with its completion form.

A technician sees only the orders assigned to them (404 for anyone else's); a crew lead
(Perm.LEAD_FIELD_CREW) sees and works every order. Its "Today's orders" home panel and
menu entry are registered in field_ops/registrations.py.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from field_ops import selectors as field_selectors
from field_ops.completion import completion_rows, order_meter
from field_ops.models import MeterRead, WorkOrder
from field_ops.work_order_forms import AttachmentForm, CompletionForm
from field_ops.work_orders import attachments, selectors, services

RECENT_READS = 5
FLAG_LABELS = dict(MeterRead.Flag.choices)
WORKABLE = (WorkOrder.Status.DISPATCHED, WorkOrder.Status.IN_PROGRESS)


def _map_url(premise) -> str:
    """A plain link to the map app (nothing embedded: no third-party scripts on our pages)."""
    if premise.latitude is None or premise.longitude is None:
        return ""
    return f"https://maps.google.com/?q={premise.latitude},{premise.longitude}"


def _card(work_order: WorkOrder, today) -> dict:
    return {
        "order": work_order,
        "map_url": _map_url(work_order.premise),
        "overdue": selectors.is_overdue(work_order, today),
        "carried_over": work_order.scheduled_date is not None and work_order.scheduled_date < today,
    }


@staff_view(Perm.WORK_FIELD_ORDERS)
@require_http_methods(["GET"])
def today(request):
    """Today's orders in the order the truck drives them, emergencies first."""
    day = timezone.localdate()
    orders = selectors.orders_for_technician(request.user, day)
    return render(
        request,
        "field_ops/technician/today.html",
        {
            "day": day,
            "cards": [_card(order, day) for order in orders],
            "done": selectors.completed_by_technician(request.user, day),
            "cancelled": selectors.cancelled_for_technician(request.user, day),
        },
    )


def _page(request, work_order, *, completion_form=None, attachment_form=None, status=200):
    meter = order_meter(work_order)
    reads = field_selectors.current_reads(meter, limit=RECENT_READS) if meter else []
    workable = work_order.status in WORKABLE
    if completion_form is None and workable:
        completion_form = CompletionForm(
            work_order=work_order, last_read=reads[0] if reads else None
        )
    return render(
        request,
        "field_ops/technician/order.html",
        {
            "order": work_order,
            "card": _card(work_order, timezone.localdate()),
            "meter": meter,
            "read_rows": [
                {
                    "read": read,
                    "flags": ", ".join(FLAG_LABELS.get(flag, flag) for flag in read.flags),
                }
                for read in reads
            ],
            "workable": workable,
            "completion_form": completion_form if workable else None,
            "attachment_form": attachment_form or AttachmentForm(),
            "can_attach": work_order.status != WorkOrder.Status.CANCELLED,
            "completion_rows": completion_rows(work_order),
        },
        status=status,
    )


def _attach_with_completion(request, work_order) -> None:
    """A photo chosen before pressing Complete is kept too (the order is already complete)."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid() or not form.cleaned_data["file"]:
        return
    try:
        attachments.work_order_attach(
            work_order=work_order,
            uploaded_file=form.cleaned_data["file"],
            by=request.user,
            description=form.cleaned_data["description"],
        )
    except ValidationError as error:
        messages.error(request, "The file was not attached: " + " ".join(error.messages))


def _bound_completion_form(request, work_order) -> CompletionForm:
    meter = order_meter(work_order)
    last = field_selectors.last_read(meter) if meter else None
    return CompletionForm(request.POST, work_order=work_order, last_read=last)


def _complete(request, work_order):
    form = _bound_completion_form(request, work_order)
    try:
        services.work_order_complete(
            work_order=work_order,
            by=request.user,
            data=form.completion_data(),
            notes=form.notes(),
        )
    except ValidationError as error:
        add_service_error(form, error)
        # The typed values stay in the bound form: nothing is lost on a refusal.
        return _page(request, work_order, completion_form=form, status=400)
    messages.success(request, f"{work_order} completed.")
    _attach_with_completion(request, work_order)
    return redirect("field_ops:technician_order", work_order_id=work_order.pk)


def _attach(request, work_order):
    form = AttachmentForm(request.POST, request.FILES)
    # The completion fields share the page's form: what was typed there comes back untouched.
    workable = work_order.status in WORKABLE
    completion_form = _bound_completion_form(request, work_order) if workable else None
    status = 400
    if form.is_valid():
        try:
            attachment = attachments.work_order_attach(
                work_order=work_order,
                uploaded_file=form.cleaned_data["file"],
                by=request.user,
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{attachment.original_name} attached.")
            if completion_form is None:
                return redirect("field_ops:technician_order", work_order_id=work_order.pk)
            form, status = AttachmentForm(), 200
            work_order = selectors.access_work_order(request.user, work_order.pk)
    return _page(
        request, work_order, completion_form=completion_form, attachment_form=form, status=status
    )


def _move(request, work_order, service, done: str):
    try:
        service(work_order=work_order, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("field_ops:technician_order", work_order_id=work_order.pk)


@staff_view(Perm.WORK_FIELD_ORDERS)
@require_http_methods(["GET", "POST"])
def order(request, work_order_id):
    """One order: where, what, the completion form for its type, photos; start and complete."""
    work_order = selectors.access_work_order(request.user, work_order_id)
    if request.method == "GET":
        return _page(request, work_order)
    action = request.POST.get("action")
    if action == "complete":
        return _complete(request, work_order)
    if action == "attach":
        return _attach(request, work_order)
    if action == "start":
        return _move(request, work_order, services.work_order_start, f"{work_order} started.")
    if action == "pause":
        return _move(
            request, work_order, services.work_order_pause, f"{work_order} left for later."
        )
    messages.error(request, "Choose start, complete or upload.")
    return _page(request, work_order, status=400)


# -- the home page panel and the menu entry


UNASSIGNED_SHOWN = 5


def today_panel(request, **_context) -> dict:
    """For technicians: how many orders are on today's list; with none, the day's orders
    dispatch has not handed out (to take, where policy allows), so "0 orders" never hides work."""
    today = timezone.localdate()
    orders = selectors.orders_for_technician(request.user, today)
    context = {
        "order_count": len(orders),
        "emergency_count": sum(
            1 for order in orders if order.priority == WorkOrder.Priority.EMERGENCY
        ),
    }
    if not orders:
        unassigned = list(selectors.unassigned_orders_for_day(today)[: UNASSIGNED_SHOWN + 1])
        context.update(
            unassigned=unassigned[:UNASSIGNED_SHOWN],
            more_unassigned=len(unassigned) > UNASSIGNED_SHOWN,
            may_take=selectors.technicians_may_take_orders(),
        )
    return context


@staff_view(Perm.WORK_FIELD_ORDERS)
@require_http_methods(["POST"])
def take(request, work_order_id):
    """Take an unassigned order of the day onto one's own list (where policy allows)."""
    work_order = get_object_or_404(WorkOrder, pk=work_order_id)
    try:
        services.work_order_take(work_order=work_order, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("home")
    messages.success(request, f"{work_order} is on your list for today.")
    return redirect("field_ops:technician_order", work_order_id=work_order.pk)
