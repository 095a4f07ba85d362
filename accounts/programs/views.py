"""Program pages: the supervisor's program list and form, an account's enrolments (enrol, end,
renew, the evidence), the outreach lists and their mailing labels, and the account page panel.
Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.correspondence.services import export_logged
from accounts.models import Enrolment, Program
from accounts.panels import account_for_page
from accounts.programs import outreach, selectors, services
from accounts.programs.forms import (
    EnrolmentEndForm,
    EnrolmentForm,
    EnrolmentRenewForm,
    OutreachForm,
    ProgramForm,
)
from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from district.uploads import stored_document_response

# The page shows this many rows of an outreach list; the label file has them all.
OUTREACH_PAGE_ROWS = 500


def _programs_url(account) -> str:
    return reverse("accounts:account_programs", kwargs={"account_id": account.pk})


# -- the account page panel (registered in registrations.py): one query


def programs_panel(request, *, account, **_context) -> dict:
    today = timezone.localdate()
    enrolments = [
        enrolment for enrolment in selectors.account_enrolments(account.pk) if enrolment.is_active
    ]
    can_enrol = request.user.has_perm(Perm.EDIT_ACCOUNTS)
    return {
        "enrolments": enrolments,
        "today": today,
        "programs_url": _programs_url(account),
        "enrol_url": (
            reverse("accounts:account_program_enrol", kwargs={"account_id": account.pk})
            if can_enrol
            else None
        ),
    }


# -- an account's enrolments


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def account_programs(request, account_id):
    """Every enrolment of the account, current and past, with what may be done to each."""
    account = account_for_page(account_id)
    return render(
        request,
        "accounts/programs/account_programs.html",
        {
            "account": account,
            "enrolments": selectors.account_enrolments(account.pk),
            "today": timezone.localdate(),
            "can_edit": request.user.has_perm(Perm.EDIT_ACCOUNTS),
            "can_see_evidence": request.user.has_perm(Perm.VIEW_CUSTOMER_CONTACTS),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def account_program_enrol(request, account_id):
    account = account_for_page(account_id)
    programs = selectors.programs_open_for_enrolment()
    status = 200
    if request.method == "POST":
        form = EnrolmentForm(request.POST, request.FILES, programs=programs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                enrolment = services.enrolment_create(
                    account_id=account.pk,
                    program_id=data["program"].pk,
                    by=request.user,
                    starts_on=data["starts_on"],
                    expires_on=data["expires_on"],
                    evidence=data["evidence"],
                    evidence_file=data["evidence_file"],
                    household_size=data["household_size"],
                    annual_income=data["annual_income"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Enrolled in {enrolment.program.name}.")
                return redirect(_programs_url(account))
        status = 400
    else:
        form = EnrolmentForm(programs=programs, initial={"starts_on": timezone.localdate()})
    return render(
        request,
        "accounts/programs/enrol_form.html",
        {"account": account, "form": form, "programs": programs},
        status=status,
    )


def _enrolment(enrolment_id: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("program", "account", "account__customer"),
        pk=enrolment_id,
    )


@staff_view(Perm.EDIT_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def enrolment_end(request, enrolment_id):
    enrolment = _enrolment(enrolment_id)
    status = 200
    if request.method == "POST":
        form = EnrolmentEndForm(request.POST)
        if form.is_valid():
            try:
                services.enrolment_end(
                    enrolment_id=enrolment.pk,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    on=form.cleaned_data["on"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"The {enrolment.program.name} enrolment has ended.")
                return redirect(_programs_url(enrolment.account))
        status = 400
    else:
        form = EnrolmentEndForm(initial={"on": timezone.localdate()})
    return render(
        request,
        "accounts/programs/enrolment_end.html",
        {"enrolment": enrolment, "account": enrolment.account, "form": form},
        status=status,
    )


@staff_view(Perm.EDIT_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def enrolment_renew(request, enrolment_id):
    enrolment = _enrolment(enrolment_id)
    status = 200
    if request.method == "POST":
        form = EnrolmentRenewForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                renewal = services.enrolment_renew(
                    enrolment_id=enrolment.pk,
                    by=request.user,
                    evidence=data["evidence"],
                    evidence_file=data["evidence_file"],
                    household_size=data["household_size"],
                    annual_income=data["annual_income"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                until = f" until {renewal.expires_on:%m/%d/%Y}" if renewal.expires_on else ""
                messages.success(
                    request,
                    f"{renewal.program.name} renewed from {renewal.starts_on:%m/%d/%Y}{until}.",
                )
                return redirect(_programs_url(enrolment.account))
        status = 400
    else:
        form = EnrolmentRenewForm(
            initial={
                "household_size": enrolment.household_size,
                "annual_income": enrolment.annual_income,
            }
        )
    return render(
        request,
        "accounts/programs/enrolment_renew.html",
        {"enrolment": enrolment, "account": enrolment.account, "form": form},
        status=status,
    )


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
@require_http_methods(["GET"])
def enrolment_evidence(request, enrolment_id):
    """The copy of the evidence, with the type its content shows (checked at upload)."""
    enrolment = _enrolment(enrolment_id)
    if not enrolment.evidence_file:
        raise Http404("No copy of the evidence was kept.")
    return stored_document_response(
        enrolment.evidence_file, filename_stem=f"enrolment-{enrolment.pk}-evidence"
    )


# -- programs (supervisors)


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET"])
def programs(request):
    return render(
        request, "accounts/programs/programs.html", {"programs": selectors.programs_all()}
    )


def _program_form(request, program: Program | None):
    status = 200
    if request.method == "POST":
        form = ProgramForm(request.POST, instance=program)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                if program is None:
                    saved = services.program_create(by=request.user, **fields)
                else:
                    saved = services.program_update(
                        program_id=program.pk, by=request.user, **fields
                    )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{saved.name} saved.")
                return redirect("accounts:programs")
        status = 400
    else:
        form = ProgramForm(instance=program)
    return render(
        request,
        "accounts/programs/program_form.html",
        {"form": form, "program": program},
        status=status,
    )


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def program_new(request):
    return _program_form(request, None)


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def program_edit(request, program_id):
    return _program_form(request, get_object_or_404(Program, pk=program_id))


# -- outreach lists


def _outreach(request):
    """(form, rows or None) from the query string."""
    data = request.GET if "program" in request.GET else None
    form = OutreachForm(data, initial={"which": outreach.ENROLLED, "days": 60})
    if data is None or not form.is_valid():
        return form, None
    choice = form.cleaned_data
    rows = outreach.outreach_rows(
        program=choice["program"],
        which=choice["which"],
        today=timezone.localdate(),
        days=choice["days"] or 60,
    )
    return form, rows


@staff_view(Perm.VIEW_REPORTS)
@require_http_methods(["GET"])
def program_outreach(request):
    form, rows = _outreach(request)
    return render(
        request,
        "accounts/programs/outreach.html",
        {
            "form": form,
            "rows": rows[:OUTREACH_PAGE_ROWS] if rows is not None else None,
            "total": len(rows) if rows is not None else 0,
            "shown": OUTREACH_PAGE_ROWS,
            "query": request.GET.urlencode(),
            "likely_rule": (
                f"Residential accounts in service with {outreach.LATE_PENALTIES} or more late "
                f"penalties in the last {outreach.LATE_LOOKBACK_DAYS} days, not enrolled now."
            ),
        },
    )


@staff_view(Perm.VIEW_REPORTS)
@require_http_methods(["GET"])
def program_outreach_labels(request):
    """The list as mailing labels (CSV): name, mailing address and language."""
    form, rows = _outreach(request)
    if rows is None:
        # Without a choice, the enrolled list of the first program.
        first = Program.objects.order_by("name").first()
        rows = (
            outreach.outreach_rows(
                program=first, which=outreach.ENROLLED, today=timezone.localdate()
            )
            if first
            else []
        )
        name = first.code if first else "none"
    else:
        name = f"{form.cleaned_data['program'].code}-{form.cleaned_data['which']}"
    export_logged(  # Gov. Code 6254.16: every list of customers that leaves is logged
        by=request.user,
        what=f"Outreach mailing labels ({name})",
        why="Program outreach mailing",
        rows=[row.label for row in rows],
        columns=outreach.LABEL_COLUMNS,
    )
    response = HttpResponse(outreach.labels_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outreach-{name}.csv"'
    return response
