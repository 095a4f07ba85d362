"""Staff pages of work orders: create one for a premise, see one (times, completion, files), cancel.

Thin: parse, call one service, render. The dispatch board lives elsewhere.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from field_ops import selectors as field_selectors
from field_ops.completion import completion_rows
from field_ops.models import Premise, WorkOrder
from field_ops.work_order_forms import PremiseChoiceForm, WorkOrderCancelForm, WorkOrderCreateForm
from field_ops.work_orders import selectors, services

INLINE_TYPES = {"image/jpeg", "image/png"}
CANCELLERS = (Perm.CREATE_WORK_ORDERS, Perm.DISPATCH_WORK_ORDERS, Perm.LEAD_FIELD_CREW)


def _premise_from(request) -> Premise | None:
    chooser = PremiseChoiceForm(request.GET)
    if not chooser.is_valid():
        return None
    return get_object_or_404(Premise, pk=chooser.cleaned_data["premise"])


def _account_id(request) -> int | None:
    raw = request.GET.get("account", "")
    return int(raw) if raw.isdigit() else None


@staff_view(Perm.CREATE_WORK_ORDERS)
@require_http_methods(["GET", "POST"])
def work_order_new(request):
    """A work order for the premise in ?premise= (and the account in ?account=, if any)."""
    premise = _premise_from(request)
    if premise is None:
        chooser = PremiseChoiceForm(request.GET or None)
        return render(request, "field_ops/work_orders/choose_premise.html", {"chooser": chooser})
    form = WorkOrderCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                work_order = services.work_order_create(
                    premise=premise,
                    by=request.user,
                    service_account_id=_account_id(request),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{work_order} created.")
                return redirect("field_ops:work_order_detail", work_order_id=work_order.pk)
        status = 400
    return render(
        request,
        "field_ops/work_orders/new.html",
        {
            "form": form,
            "premise": premise,
            "meter": field_selectors.installed_meter(premise),
            "account_id": _account_id(request),
        },
        status=status,
    )


@staff_view(Perm.VIEW_WORK_ORDERS)
@require_http_methods(["GET", "POST"])
def work_order_detail(request, work_order_id):
    """Status, the times it moved, what completion recorded, files; cancel with a reason.

    A technician opens only orders assigned to them: another's answers 404, as a missing one.
    """
    work_order = selectors.work_order_detail(request.user, work_order_id)
    if work_order is None:
        raise Http404("No such work order.")
    may_cancel = any(request.user.has_perm(permission) for permission in CANCELLERS)
    cancel_form = WorkOrderCancelForm()
    status = 200
    if request.method == "POST":
        if not may_cancel:
            raise PermissionDenied("Your role does not allow you to cancel work orders.")
        cancel_form = WorkOrderCancelForm(request.POST)
        if cancel_form.is_valid():
            try:
                services.work_order_cancel(
                    work_order=work_order,
                    by=request.user,
                    reason=cancel_form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_error(cancel_form, error)
            else:
                messages.success(request, f"{work_order} cancelled.")
                return redirect("field_ops:work_order_detail", work_order_id=work_order.pk)
        status = 400
    return render(
        request,
        "field_ops/work_orders/detail.html",
        {
            "order": work_order,
            "overdue": selectors.is_overdue(work_order),
            "completion_rows": completion_rows(work_order),
            "cancel_form": cancel_form
            if may_cancel and work_order.status in WorkOrder.OPEN_STATUSES
            else None,
        },
        status=status,
    )


@staff_view(Perm.VIEW_WORK_ORDERS)
@require_http_methods(["GET"])
def work_order_attachment(request, attachment_id):
    """A file of an order, downloaded with the type we sniffed when it was uploaded.

    The same rule as the order: a technician gets only the files of their own orders (404).
    """
    attachment = selectors.work_order_attachment(request.user, attachment_id)
    if attachment is None:
        raise Http404("No such file.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        # Photos show in the browser; anything else (PDF, HEIC) is downloaded, not rendered here.
        as_attachment=attachment.content_type not in INLINE_TYPES,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
