"""Staff pages of payment batches. Thin: parse, call one service, render.

Entry is keyboard-first: the item form sits at the top of the batch page with autofocus on the
scan-line field; Enter submits; a plain post/redirect/get brings the page back focused for the
next item.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.roles import Perm
from payments.batches import selectors, services
from payments.batches.forms import (
    BatchForm,
    BatchImportForm,
    BatchItemForm,
    ResolveForm,
)
from payments.batches.services.settlement import settlement_batch_close, settlement_cutoff
from payments.models import BatchItem, PaymentBatch

# A payment file larger than this is refused before it is read (a day's lockbox is far less).
MAX_FILE_BYTES = 20 * 1024 * 1024


def _detail_url(batch_id: int) -> str:
    return reverse("payments:batch_detail", kwargs={"batch_id": batch_id})


@staff_view(Perm.TAKE_PAYMENTS)
def batch_list(request):
    return render(
        request,
        "payments/batches/list.html",
        {
            "batches": selectors.batch_list(),
            "can_import": request.user.has_perm(Perm.BALANCE_CASH),
        },
    )


@staff_view(Perm.TAKE_PAYMENTS)
def batch_new(request):
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                kind=PaymentBatch.Kind.MAIL,
                control_count=form.cleaned_data["control_count"],
                control_total=form.cleaned_data["control_total"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Batch {batch.pk} is open: enter its items.")
            return redirect(_detail_url(batch.pk))
    return render(request, "payments/batches/new.html", {"form": form})


@staff_view(Perm.TAKE_PAYMENTS)
def batch_detail(request, batch_id):
    batch = get_object_or_404(
        PaymentBatch.objects.select_related("created_by", "posted_by", "journal"), pk=batch_id
    )
    can_enter = batch.status == PaymentBatch.Status.OPEN and batch.kind == PaymentBatch.Kind.MAIL
    form = BatchItemForm(request.POST if request.method == "POST" and can_enter else None)
    if request.method == "POST" and can_enter and form.is_valid():
        try:
            item = services.batch_item_add(batch_id=batch.pk, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Item {item.position}: {format_money(item.amount)} to account "
                f"{item.account.formatted_number}.",
            )
            return redirect(_detail_url(batch.pk))
    items = list(selectors.batch_items(batch))
    totals = selectors.batch_totals(batch, items)
    return render(
        request,
        "payments/batches/detail.html",
        {
            "batch": batch,
            "form": form if can_enter else None,
            "items": items,
            "totals": totals,
            "can_enter": can_enter,
            "can_close": batch.is_open_settlement and request.user.has_perm(Perm.BALANCE_CASH),
            "cutoff": settlement_cutoff(batch.processor) if batch.is_settlement else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view(Perm.BALANCE_CASH)
@require_POST
def batch_settlement_close(request, batch_id):
    """Finance closes a processor's settlement day after its cut-off (the hourly task does the
    same); a batch already closed is left as it is."""
    get_object_or_404(PaymentBatch.objects.only("id"), pk=batch_id)
    try:
        batch, closed_now = settlement_batch_close(batch_id=batch_id, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if closed_now:
            messages.success(
                request,
                f"{batch} is closed: {batch.control_count} payments, "
                f"{format_money(batch.control_total)} expected from the processor.",
            )
        else:
            messages.info(request, f"{batch} was already closed.")
    # Back where the close was asked: the bank reconciliation page lists the settlement days
    # for Finance, who cannot open the batch page (it takes taking payments).
    asked_there = request.POST.get("back") == "reconciliation"
    sees_batches = request.user.has_perm(Perm.TAKE_PAYMENTS)
    if (asked_there or not sees_batches) and request.user.has_perm(Perm.RECONCILE_BANK):
        return redirect("payments:bank_reconciliation")
    return redirect(_detail_url(batch_id))


@staff_view(Perm.TAKE_PAYMENTS)
def batch_item_edit(request, item_id):
    item = get_object_or_404(BatchItem.objects.select_related("batch", "account"), pk=item_id)
    editable = (
        item.batch.status == PaymentBatch.Status.OPEN and item.batch.kind == PaymentBatch.Kind.MAIL
    )
    if request.method == "POST" and editable:
        form = BatchItemForm(request.POST)
        if form.is_valid():
            try:
                services.batch_item_update(item_id=item.pk, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Item {item.position} corrected.")
                return redirect(_detail_url(item.batch_id))
    else:
        form = BatchItemForm(
            initial={
                "entered_as": item.entered_as,
                "amount": item.amount,
                "check_number": item.check_number,
                "payer_name": item.payer_name,
            }
        )
    return render(
        request,
        "payments/batches/item_edit.html",
        {"item": item, "form": form, "editable": editable},
    )


@staff_view(Perm.TAKE_PAYMENTS)
@require_POST
def batch_item_delete(request, item_id):
    item = get_object_or_404(BatchItem.objects.only("id", "batch_id", "position"), pk=item_id)
    try:
        services.batch_item_delete(item_id=item.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Item {item.position} deleted.")
    return redirect(_detail_url(item.batch_id))


@staff_view(Perm.TAKE_PAYMENTS)
@require_POST
def batch_post(request, batch_id):
    batch = get_object_or_404(PaymentBatch.objects.only("id"), pk=batch_id)
    try:
        posted = services.batch_post(batch_id=batch.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Batch {posted.pk} posted: {posted.control_count} payments, "
            f"{format_money(posted.control_total)} (journal J{posted.journal_id}).",
        )
    return redirect(_detail_url(batch.pk))


@staff_view(Perm.BALANCE_CASH)
def batch_import(request):
    form = BatchImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error("file", "The file is larger than 20 MB: is it the right file?")
        else:
            try:
                result = services.payment_file_import(
                    content=upload.read(),
                    file_name=upload.name,
                    file_format=form.cleaned_data["file_format"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if result.batch is None:
                    # Every payment already posted (a processor's day its notifications
                    # posted): a success with nothing written.
                    messages.success(request, f"{upload.name}: {result.nothing_new}.")
                    return redirect("payments:batch_import")
                text = (
                    f"{upload.name} imported as batch {result.batch.pk}: {result.imported} "
                    f"payments, {format_money(result.total)}; {result.matched} posted to "
                    f"accounts, {result.exceptions} to the exceptions list."
                )
                messages.success(request, text)
                if result.skipped:
                    messages.warning(
                        request,
                        f"{len(result.skipped)} payment(s) were already imported and were "
                        f"skipped: {_first_few(result.skipped)}",
                    )
                if result.cash_only:
                    messages.warning(
                        request,
                        f"{len(result.cash_only)} payment(s) came by check or ACH from cash-only "
                        f"customers; they were posted and a contact logged on each account: "
                        f"{_first_few(result.cash_only)}",
                    )
                if result.withdrawn:
                    withdrawn = [
                        f"{format_money(withdrawal.amount)} on bill {withdrawal.bill_number} "
                        f"(cut-off {withdrawal.cut_off:%m/%d/%Y})"
                        for withdrawal in result.withdrawn
                    ]
                    messages.info(
                        request,
                        f"{len(withdrawn)} late penalt{'y' if len(withdrawn) == 1 else 'ies'} "
                        f"withdrawn: the file shows the bills were paid by their cut-off: "
                        f"{_first_few(withdrawn)}",
                    )
                return redirect(_detail_url(result.batch.pk))
    return render(request, "payments/batches/import.html", {"form": form})


def _first_few(items: list[str], limit: int = 20) -> str:
    """One message lists at most `limit` items; an ellipsis says there are more."""
    return "; ".join(items[:limit]) + (" …" if len(items) > limit else "")


@staff_view(Perm.TAKE_PAYMENTS)
def batch_exceptions(request):
    return _exceptions_page(request)


def _exceptions_page(request, *, failed_item_id=None, failed_form=None, status=200):
    items = list(selectors.exception_items())
    rows = [
        (
            item,
            failed_form if item.pk == failed_item_id else ResolveForm(auto_id=f"id_%s_{item.pk}"),
        )
        for item in items
    ]
    return render(
        request,
        "payments/batches/exceptions.html",
        {"rows": rows, "resolved": selectors.recently_resolved()},
        status=status,
    )


@staff_view(Perm.TAKE_PAYMENTS)
@require_POST
def batch_item_resolve(request, item_id):
    item = get_object_or_404(BatchItem.objects.only("id", "position", "batch_id"), pk=item_id)
    form = ResolveForm(request.POST, auto_id=f"id_%s_{item.pk}")
    if form.is_valid():
        try:
            resolved = services.batch_item_resolve(
                item_id=item.pk, account_number=form.cleaned_data["account_number"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"{format_money(resolved.amount)} (item {resolved.position} of batch "
                f"{resolved.batch_id}) applied to account {resolved.account.formatted_number}.",
            )
            return redirect("payments:batch_exceptions")
    return _exceptions_page(request, failed_item_id=item.pk, failed_form=form, status=400)
