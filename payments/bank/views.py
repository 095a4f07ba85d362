"""Staff pages of the bank reconciliation. Thin: parse, call a service or a task, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from payments.bank import resolve, selectors, uploads
from payments.bank.forms import Bai2UploadForm, BankLineResolveForm
from payments.bank.tasks import bank_bai2_upload_import
from payments.models import Bai2Upload


@staff_view(Perm.RECONCILE_BANK)
def bank_reconciliation(request):
    """Upload a prior-day file (stored, then imported and matched by a task) and list the
    files. When the import ran in this process the outcome is shown at once; when a worker
    runs it, the upload's page says pending, imported or refused (with the reason)."""
    form = Bai2UploadForm()
    if request.method == "POST":
        form = Bai2UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            file.seek(0)  # the form's checks may have read it
            try:
                # Committed on return (requests are not one transaction here), so a worker
                # finds the row; in-process the task runs now and the outcome shows below.
                upload = uploads.bai2_upload_store(
                    content=file.read(), file_name=file.name, by=request.user
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                bank_bai2_upload_import.delay(upload.pk)
                return _after_upload(request, form, upload)
    return _reconciliation_page(request, form)


def _reconciliation_page(request, form):
    count, total = selectors.exceptions_total()
    return render(
        request,
        "payments/bank/reconciliation.html",
        {
            "form": form,
            "files": selectors.bank_files(),
            "uploads": selectors.bai2_uploads(),
            "exceptions_count": count,
            "exceptions_total": total,
            # The processors' settlement days the payouts match against (Finance closes one
            # after its cut-off, as on the batch page it cannot open without taking payments).
            "settlements": selectors.settlement_batches(),
            "can_close_settlements": request.user.has_perm(Perm.BALANCE_CASH),
        },
    )


def _after_upload(request, form, upload: Bai2Upload):
    upload.refresh_from_db(fields=["status", "refusal", "message", "file"])
    if upload.status == Bai2Upload.Status.REFUSED:
        # Imported in this process and refused: said next to the field, as any bad input.
        form.add_error("file", upload.refusal)
        return _reconciliation_page(request, form)
    if upload.status == Bai2Upload.Status.IMPORTED:
        messages.success(request, upload.message)
        return redirect("payments:bank_file", file_id=upload.file_id)
    messages.info(request, f"{upload.file_name} is stored and waiting to be imported.")
    return redirect("payments:bank_upload", upload_id=upload.pk)


@staff_view(Perm.RECONCILE_BANK)
def bank_upload(request, upload_id):
    """An upload's outcome: waiting (the page polls), imported (a link to the file) or refused
    (the importer's reason)."""
    upload = selectors.bai2_upload(upload_id)
    if upload is None:
        raise Http404("No such upload.")
    template = "payments/bank/upload.html"
    if request.headers.get("HX-Request"):
        template += "#outcome"
    return render(request, template, {"upload": upload})


@staff_view(Perm.RECONCILE_BANK)
def bank_file(request, file_id):
    view = selectors.bank_file(file_id)
    if view is None:
        raise Http404("No such bank file.")
    return render(request, "payments/bank/file.html", {"view": view})


def _exceptions_page(request, *, bound_line_id=None, bound_form=None, status=200):
    lines = selectors.exceptions_queue()
    for line in lines:
        if line.pk == bound_line_id:
            line.form = bound_form
        else:
            line.form = BankLineResolveForm(candidates=line.candidates, prefix=f"line-{line.pk}")
    return render(request, "payments/bank/exceptions.html", {"lines": lines}, status=status)


@staff_view(Perm.RECONCILE_BANK)
def bank_exceptions(request):
    """The unmatched bank lines, each with a form to match it by hand or resolve it."""
    return _exceptions_page(request)


@staff_view(Perm.RECONCILE_BANK)
@require_POST
def bank_line_resolve(request, line_id):
    line = selectors.exception_line(line_id)
    if line is None:
        messages.error(request, "That bank line is no longer waiting in the queue.")
        return redirect("payments:bank_exceptions")
    form = BankLineResolveForm(request.POST, candidates=line.candidates, prefix=f"line-{line_id}")
    if form.is_valid():
        try:
            resolved = resolve.bank_line_resolve(
                line_id=line_id, by=request.user, note=form.cleaned_data["note"], **form.target()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"Bank line {resolved.pk} is {resolved.get_status_display().lower()}."
            )
            return redirect(reverse("payments:bank_exceptions"))
    return _exceptions_page(request, bound_line_id=line_id, bound_form=form, status=400)
