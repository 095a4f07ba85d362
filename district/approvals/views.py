"""Approval pages: the supervisor's queue, a request's page with its decision, my requests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.approvals import registry, selectors, services
from district.approvals.forms import (
    ApprovalApproveForm,
    ApprovalCancelForm,
    ApprovalQueueFilterForm,
    ApprovalRejectForm,
)
from district.approvals.models import ApprovalRequest
from district.forms import add_service_error
from district.roles import Perm

QUEUE_PAGE_SIZE = 50


@staff_view(Perm.APPROVE_REQUESTS)
@require_http_methods(["GET"])
def queue(request):
    """Requests waiting for a decision, oldest first, filtered by kind, age and amount."""
    form = ApprovalQueueFilterForm(request.GET or None)
    filters = form.queue_filters()
    page = Paginator(selectors.approval_queue(**filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "approvals/queue.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.approval_rows(page.object_list),
            "status": filters["status"],
        },
    )


def _decide(request, approval: ApprovalRequest, action: str):
    """Run the chosen decision; returns (approve_form, reject_form, done)."""
    approve_form = ApprovalApproveForm(prefix="approve")
    reject_form = ApprovalRejectForm(prefix="reject")
    if action == "approve":
        form = approve_form = ApprovalApproveForm(request.POST, prefix="approve")
        service = services.approval_approve
    else:
        form = reject_form = ApprovalRejectForm(request.POST, prefix="reject")
        service = services.approval_reject
    if form.is_valid():
        try:
            service(request_id=approval.pk, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return approve_form, reject_form, True
    return approve_form, reject_form, False


@staff_view(Perm.APPROVE_REQUESTS)
@require_http_methods(["GET", "POST"])
def detail(request, request_id):
    """One request: what is asked and why, and the approve / reject forms for another person."""
    approval = selectors.approval_detail(request_id)
    if approval is None:
        raise Http404("No such request.")
    approve_form = ApprovalApproveForm(prefix="approve")
    reject_form = ApprovalRejectForm(prefix="reject")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"approve", "reject"}:
            return HttpResponseBadRequest("Choose approve or reject.")
        approve_form, reject_form, done = _decide(request, approval, action)
        if done:
            verb = "approved" if action == "approve" else "rejected"
            messages.success(request, f"Request #{approval.pk} {verb}.")
            return redirect("approvals:queue")
        status = 400
    handler = registry.handler_for(approval.kind)
    target = selectors.approval_target(approval)
    return render(
        request,
        "approvals/detail.html",
        {
            "approval": approval,
            "row": selectors.approval_rows([approval])[0],
            "description": handler.describe(approval) if handler and handler.describe else "",
            "target": target,
            "target_url": target.get_absolute_url()
            if target is not None and hasattr(target, "get_absolute_url")
            else "",
            "own_request": approval.requested_by_id == request.user.pk,
            "pending": approval.is_pending,
            "approve_form": approve_form,
            "reject_form": reject_form,
        },
        status=status,
    )


@staff_view(None)
@require_http_methods(["GET", "POST"])
def mine(request):
    """The signed-in person's requests and their outcomes; pending ones can be withdrawn."""
    if request.method == "POST":
        form = ApprovalCancelForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("Choose a request to withdraw.")
        request_id = form.cleaned_data["request_id"]
        try:
            services.approval_cancel(request_id=request_id, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Request #{request_id} withdrawn.")
        return redirect("approvals:mine")
    rows = selectors.approval_rows(selectors.requests_of(request.user, limit=QUEUE_PAGE_SIZE))
    return render(request, "approvals/mine.html", {"rows": rows})


# Home page panels (registered in ApprovalsConfig.ready): two queries each at most.
