"""Staff pages of ACH returns: the import (upload and result), the queue of notifications of
change with confirm / decline. Thin: parse, call one service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from district.access import staff_view
from district.forms import add_service_error
from district.money import ZERO, format_money
from district.roles import Perm
from payments.autopay import noc, return_selectors
from payments.autopay.return_forms import AchReturnFileForm, ChangeNoticeDeclineForm
from payments.autopay.returns import ach_returns_import


@staff_view(Perm.BALANCE_CASH)
def ach_returns_import_page(request):
    form = AchReturnFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = ach_returns_import(
                content=upload.read(), file_name=upload.name, by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if result.already_imported:
                messages.info(
                    request,
                    f"{result.file.file_name} was already imported: nothing was done again.",
                )
            else:
                messages.success(
                    request,
                    f"{len(result.returned)} return(s) applied, {format_money(result.fees)} in "
                    f"fees, {len(result.suspended)} autopay suspended, {len(result.changes)} "
                    f"change(s) waiting, {len(result.exceptions)} exception(s).",
                )
            return redirect("payments:ach_return_file", ach_return_file_id=result.file.pk)
    return render(
        request,
        "payments/autopay/returns/import.html",
        {"form": form, "files": return_selectors.return_files()},
    )


@staff_view(Perm.BALANCE_CASH)
def ach_return_file_detail(request, ach_return_file_id):
    file = return_selectors.return_file(ach_return_file_id)
    entries = return_selectors.return_file_entries(file)
    return render(
        request,
        "payments/autopay/returns/file.html",
        {
            "file": file,
            "entries": entries,
            "returned": [e for e in entries if e.is_return and e.outcome == "applied"],
            "exceptions": [e for e in entries if e.is_exception],
            "fees": sum((e.fee for e in entries), ZERO),
            "suspended": sum(1 for e in entries if e.suspended),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def ach_change_queue(request):
    return render(
        request,
        "payments/autopay/returns/changes.html",
        {
            "notices": return_selectors.pending_change_notices(),
            "decline_form": ChangeNoticeDeclineForm(),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
@require_POST
def ach_change_confirm(request, ach_change_notice_id):
    try:
        notice = noc.change_notice_confirm(notice_id=ach_change_notice_id, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Account {notice.enrolment.account.formatted_number}'s autopay bank details are "
            f"corrected ({noc.notice_description(notice)}).",
        )
    return redirect("payments:ach_change_queue")


@staff_view(Perm.EDIT_ACCOUNTS)
@require_POST
def ach_change_decline(request, ach_change_notice_id):
    form = ChangeNoticeDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the correction is not made: nothing was changed.")
        return redirect("payments:ach_change_queue")
    try:
        noc.change_notice_decline(
            notice_id=ach_change_notice_id, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The notification of change is declined; the bank details stay.")
    return redirect("payments:ach_change_queue")
