"""Staff pages of bill runs: the list and "start a run", the run page with its progress bar,
exception actions, posting (with the supervisor override), recalculating, and resuming a
stalled stage (billing/bill_runs/recovery.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from billing.bill_runs import recovery, selectors, services, tasks
from billing.models import BillException, BillingPeriod, BillRun
from district.access import staff_view
from district.errors import ServiceError
from district.roles import Perm


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _run_or_404(run_id: int) -> BillRun:
    try:
        return selectors.bill_run_get(run_id)
    except BillRun.DoesNotExist:
        raise Http404("There is no such bill run.") from None


def _list_page(request):
    return render(
        request,
        "billing/bill_runs/list.html",
        {"runs": selectors.bill_runs(), "periods": selectors.periods_ready_to_run()},
    )


@staff_view(Perm.RUN_BILLING)
def bill_run_list(request):
    return _list_page(request)


@staff_view(Perm.RUN_BILLING)
def bill_run_start(request):
    if request.method != "POST":  # actions are form posts; a GET shows the list they are on
        return _list_page(request)
    period = get_object_or_404(BillingPeriod, pk=request.POST.get("period") or 0)
    try:
        with transaction.atomic():
            run = services.bill_run_create(period=period, by=request.user)
            transaction.on_commit(lambda: tasks.bill_run_calculate.delay(run.pk))
    except ServiceError as error:
        messages.error(request, _error_text(error))
        return redirect("billing:bill_runs")
    messages.success(request, f"Bill run {run.pk} started for {period}.")
    return redirect("billing:bill_run", run_id=run.pk)


def _run_context(request, run: BillRun) -> dict:
    stage = recovery.stage(run)
    stalled = recovery.is_stalled(run) if stage else False
    return {
        "run": run,
        "percent": selectors.progress_percent(run),
        "calculating": run.is_calculating,
        "stage": stage,
        "stalled": stalled,
        "stall_minutes": recovery.stall_minutes() if stalled else None,
        # The progress fragment polls while a stage moves; a stalled one waits for a person.
        "polling": bool(stage) and not stalled,
        "groups": selectors.exception_groups(run) if not run.is_calculating else [],
        "blocking_open": services.blocking_open(run),
        "can_override": request.user.has_perm(Perm.APPROVE_REQUESTS),
        "in_audit": run.in_audit,
        "can_issue": run.can_be_issued and stage != "issuing",
    }


@staff_view(Perm.RUN_BILLING)
def bill_run_detail(request, run_id):
    run = _run_or_404(run_id)
    return render(request, "billing/bill_runs/run.html", _run_context(request, run))


@staff_view(Perm.RUN_BILLING)
def bill_run_progress(request, run_id):
    """The htmx fragment polled every 2 s while a stage (calculating, posting, issuing) moves."""
    run = _run_or_404(run_id)
    context = _run_context(request, run)
    response = render(request, "billing/bill_runs/run.html#progress", context)
    if context["stage"] != request.GET.get("stage", "calculating"):
        # The stage is done: reload the whole page so the exceptions or the next action
        # appear (htmx follows HX-Refresh).
        response["HX-Refresh"] = "true"
    return response


def _action(request, run_id, service, done: str):
    """POST: run one recovery service on the run and say what happened on the run's page."""
    run = _run_or_404(run_id)
    if request.method != "POST":
        return render(request, "billing/bill_runs/run.html", _run_context(request, run))
    try:
        service(run_id=run.pk, by=request.user)
    except ServiceError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done.format(run=run))
    return redirect("billing:bill_run", run_id=run.pk)


@staff_view(Perm.RUN_BILLING)
def bill_run_resume(request, run_id):
    return _action(request, run_id, recovery.bill_run_resume, "Bill run {run.pk} was resumed.")


@staff_view(Perm.RUN_BILLING)
def bill_run_recalculate(request, run_id):
    return _action(
        request,
        run_id,
        recovery.bill_run_recalculate,
        "Bill run {run.pk} is being calculated again: accounts without a bill are billed and "
        "exceptions that no longer hold are resolved.",
    )


@staff_view(Perm.RUN_BILLING)
def bill_run_post(request, run_id):
    run = _run_or_404(run_id)
    if request.method != "POST":
        return render(request, "billing/bill_runs/run.html", _run_context(request, run))
    try:
        services.bill_run_post(
            run_id=run.pk, by=request.user, override_reason=request.POST.get("override_reason", "")
        )
    except ServiceError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Bill run {run.pk} is posting.")
    return redirect("billing:bill_run", run_id=run.pk)


@staff_view(Perm.RUN_BILLING)
def bill_exception_action(request, exception_id):
    exception = get_object_or_404(BillException, pk=exception_id)
    if request.method != "POST":
        run = _run_or_404(exception.run_id)
        return render(request, "billing/bill_runs/run.html", _run_context(request, run))
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    try:
        if action == "accept":
            services.bill_exception_accept(exception_id=exception.pk, by=request.user, note=note)
        elif action == "hold":
            services.bill_exception_hold(exception_id=exception.pk, by=request.user, note=note)
        elif action == "correct":
            services.bill_exception_correct_read(
                exception_id=exception.pk,
                by=request.user,
                reading=request.POST.get("reading", ""),
                reason=request.POST.get("reason", ""),
            )
        elif action in services.AUDIT_ORDER_TYPES:
            services.bill_exception_request_order(
                exception_id=exception.pk, by=request.user, order_type=action, instructions=note
            )
        else:
            raise ServiceError("Choose what to do with the exception.")
    # The read correction and the field order are field_ops' services: their refusals too.
    except ValidationError as error:
        messages.error(request, f"{exception}: {_error_text(error)}")
    else:
        messages.success(request, f"{exception}: done.")
    return redirect("billing:bill_run", run_id=exception.run_id)


# -- issue (billing/bill_runs/issue.py): the print data file and the paperless emails


@staff_view(Perm.RUN_BILLING)
def bill_run_issue(request, run_id):
    return _action(
        request,
        run_id,
        recovery.bill_run_issue_request,
        "Bill run {run.pk} is being issued: the print file appears here when it is done.",
    )


@staff_view(Perm.RUN_BILLING)
def bill_run_print_file(request, run_id):
    run = _run_or_404(run_id)
    if not run.print_file:
        # Not issued yet: the run's page says so (as the other actions' GETs show the page).
        messages.info(request, "This bill run has no print file yet: issue it first.")
        return render(request, "billing/bill_runs/run.html", _run_context(request, run))
    return FileResponse(
        run.print_file.open("rb"),
        as_attachment=True,
        filename=f"bill-run-{run.pk}-print.csv",
        content_type="text/csv; charset=utf-8",
    )
