"""Staff pages of the bank reconciliation. Thin: parse, call a service or a task, render."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from payments.bank import reconcile, selectors
from payments.bank.forms import Bai2UploadForm, BankLineResolveForm
from payments.bank.tasks import bank_bai2_import


@staff_view(Perm.RECONCILE_BANK)
def bank_reconciliation(request):
    """Upload a prior-day file (imported and matched by a task) and list the files."""
    form = Bai2UploadForm()
    if request.method == "POST":
        form = Bai2UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            queued = bank_bai2_import.delay(
                base64.b64encode(upload.read()).decode("ascii"), upload.name, request.user.pk
            )
            if not queued.ready():
                messages.info(
                    request, f"{upload.name} is being imported; it appears below when done."
                )
                return redirect("payments:bank_reconciliation")
            outcome = queued.get()
            if "refused" in outcome:
                form.add_error("file", outcome["refused"])
            else:
                if outcome["created"]:
                    messages.success(
                        request, f"{outcome['message']} Reconciliation: {outcome['reconcile']}."
                    )
                else:
                    messages.info(request, f"{outcome['message']} Nothing was imported.")
                return redirect("payments:bank_file", file_id=outcome["file_id"])
    count, total = selectors.exceptions_total()
    return render(
        request,
        "payments/bank/reconciliation.html",
        {
            "form": form,
            "files": selectors.bank_files(),
            "exceptions_count": count,
            "exceptions_total": total,
        },
    )


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
            resolved = reconcile.bank_line_resolve(
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
