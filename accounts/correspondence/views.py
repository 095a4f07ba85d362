"""Staff pages of correspondence: letter templates (list, edit with a live preview, history),
print batches and their PDFs, and the export log. Thin: parse, call one service, render."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.correspondence import selectors, services
from accounts.correspondence.forms import LetterTemplateForm, LetterTemplateNewForm
from accounts.correspondence.kinds import letter_kind
from accounts.correspondence.merge import merge_render, template_check, template_compile
from accounts.correspondence.models import Letter, LetterTemplate, PrintBatch
from accounts.correspondence.rendering import preview_context
from accounts.deposits.letters import deposit_refund_letters, deposits_awaiting_letters
from accounts.models import ServiceAccount
from district.access import staff_view
from district.forms import add_service_error
from district.pdf import html_pdf
from district.roles import Perm

# -- templates


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET"])
def template_list(request):
    return render(
        request,
        "correspondence/template_list.html",
        {"templates": selectors.templates_with_current()},
    )


def _kind_help(template_key: str) -> dict:
    kind = letter_kind(template_key)
    return {"kind": kind, "merge_fields": kind.fields}


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def template_edit(request, letter_template_id):
    template = get_object_or_404(LetterTemplate, pk=letter_template_id)
    current = selectors.current_version(template.key, template.language)
    initial = {"subject": current.subject, "body": current.body} if current else {}
    form = LetterTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.letter_template_edit(
                template_id=template.pk,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved as version {version.number} of {template}.")
            return redirect("correspondence:template_history", letter_template_id=template.pk)
    return render(
        request,
        "correspondence/template_edit.html",
        {"template": template, "current": current, "form": form, **_kind_help(template.key)},
    )


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def template_new(request):
    form = LetterTemplateNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.letter_template_create(
                key=data["key"],
                language=data["language"],
                subject=data["subject"],
                body=data["body"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added {template}.")
            return redirect("correspondence:template_list")
    return render(request, "correspondence/template_new.html", {"form": form})


def _sample_account():
    """The account a preview merges: the oldest account in service, else none (samples)."""
    return (
        ServiceAccount.objects.select_related("customer", "premise")
        .filter(status=ServiceAccount.Status.ACTIVE)
        .order_by("pk")
        .first()
    )


@staff_view(Perm.MANAGE_POLICIES)
@require_POST
def template_preview(request, letter_template_id):
    """The letter as it would print with the text being edited (an htmx fragment)."""
    template = get_object_or_404(LetterTemplate, pk=letter_template_id)
    kind = letter_kind(template.key)
    subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
    try:
        template_check(subject=subject, body=body, kind=kind)
    except ValidationError as error:
        return render(
            request,
            "correspondence/_preview.html",
            {"problems": [m for ms in error.message_dict.values() for m in ms]},
        )
    account = _sample_account()
    context = preview_context(kind, account)
    sample_name = f"account {account.formatted_number}" if account else "sample values"
    return render(
        request,
        "correspondence/_preview.html",
        {
            "subject": merge_render(
                template_compile(subject, kind, field="subject"), context, autoescape=False
            ).strip(),
            "body_html": merge_render(template_compile(body, kind), context),
            "recipient": [context["customer_name"]]
            + [context[f"mailing_address_line{n}"] for n in (1, 2, 3)],
            "sample_name": sample_name,
        },
    )


def _diff(older: str, newer: str) -> list[tuple[str, str]]:
    """(kind, line) of a line diff: "+" added, "-" removed, " " unchanged."""
    lines = difflib.ndiff(older.splitlines(), newer.splitlines())
    return [(line[0], line[2:]) for line in lines if line[:1] in "+- "]


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET"])
def template_history(request, letter_template_id):
    template = get_object_or_404(LetterTemplate, pk=letter_template_id)
    versions = selectors.template_versions(template)
    for version, older in zip(versions, versions[1:] + [None], strict=True):
        version.subject_changed = older is not None and older.subject != version.subject
        version.changes = _diff(older.body, version.body) if older is not None else None
    return render(
        request,
        "correspondence/template_history.html",
        {"template": template, "versions": versions},
    )


# -- batches and letters


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
@require_http_methods(["GET"])
def batch_list(request):
    awaiting = None
    if request.user.has_perm(Perm.MANAGE_POLICIES):
        awaiting = len(deposits_awaiting_letters(today=timezone.localdate()))
    return render(
        request,
        "correspondence/batch_list.html",
        {"batches": selectors.print_batches(), "deposit_refunds_awaiting": awaiting},
    )


@staff_view(Perm.MANAGE_POLICIES)
@require_POST
def batch_deposit_refunds(request):
    """The deposit refund letters now, instead of waiting for the night's job."""
    try:
        batch = deposit_refund_letters(today=timezone.localdate(), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if batch is None:
            messages.info(request, "No deposit returned lately is waiting for its letter.")
        else:
            messages.success(
                request,
                f"Deposit refund letters: {batch.printed_count} to print, "
                f"{batch.emailed_count} e-mailed.",
            )
    return redirect("correspondence:batch_list")


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
@require_http_methods(["GET"])
def batch_pdf(request, print_batch_id):
    batch = get_object_or_404(PrintBatch, pk=print_batch_id)
    if not batch.pdf:
        raise Http404("Every letter of this batch was e-mailed: there is nothing to print.")
    response = HttpResponse(bytes(batch.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="letters-{batch.key}-{batch.created_at:%Y-%m-%d}-{batch.pk}.pdf"'
    )
    return response


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
@require_http_methods(["GET"])
def letter_pdf(request, correspondence_letter_id):
    """A letter sent, printed from exactly what was sent."""
    letter = get_object_or_404(
        Letter.objects.select_related("account"), pk=correspondence_letter_id
    )
    response = HttpResponse(html_pdf(letter.html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="letter-{letter.account.formatted_number}-{letter.pk}.pdf"'
    )
    return response


# -- exports


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET"])
def export_log(request):
    return render(request, "correspondence/export_log.html", {"exports": selectors.export_log()})
