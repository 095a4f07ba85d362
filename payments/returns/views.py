"""Staff pages of returned items and the letters queue. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.roles import Perm
from payments.responses import pdf_response
from payments.returns import letters, selectors, services
from payments.returns.forms import ReturnedFindForm, ReturnedItemForm


@staff_view(Perm.VIEW_ACCOUNTS)
def returned_list(request):
    return render(
        request,
        "payments/returns/returned_list.html",
        {
            "items": selectors.returned_items(),
            "limit": selectors.LIST_LIMIT,
            "can_record": request.user.has_perm(Perm.BALANCE_CASH),
        },
    )


@staff_view(Perm.BALANCE_CASH)
def returned_new(request):
    find = ReturnedFindForm(request.GET or None)
    tenders = selectors.returnable_tenders(**find.cleaned_data) if find.is_valid() else []
    form = None
    if tenders:
        form = ReturnedItemForm(
            request.POST if request.method == "POST" else None,
            tenders=tenders,
            initial={"returned_on": timezone.localdate(), "reason": "nsf"},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                item = services.returned_item_record(
                    tender_id=data["tender"],
                    reason=data["reason"],
                    returned_on=data["returned_on"],
                    bank_reference=data["bank_reference"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"The returned {services.tender_label(item.tender)} "
                    f"({format_money(item.tender.amount)}) was recorded and its notice queued.",
                )
                return redirect(reverse("payments:returned_detail", args=[item.pk]))
    elif request.method == "POST":
        messages.error(request, "Find the payment first: nothing was recorded.")
    return render(
        request,
        "payments/returns/returned_new.html",
        {
            "find": find,
            "searched": find.is_bound and find.is_valid(),
            "tenders": tenders,
            "form": form,
            "query": request.GET.urlencode(),
        },
    )


@staff_view(Perm.VIEW_ACCOUNTS)
def returned_detail(request, returned_id):
    item = selectors.returned_item_detail(returned_id)
    if item is None:
        raise Http404("No such returned item.")
    return render(
        request,
        "payments/returns/returned_detail.html",
        {
            "item": item,
            "tender": item.tender,
            "payment": item.tender.payment,
            "lines": list(item.tender.payment.lines.all()),
            "letter": getattr(item, "letter", None),
            "journal_links": request.user.has_perm(Perm.VIEW_LEDGER),
        },
    )


# -- letters -----------------------------------------------------------------------------------


@staff_view(Perm.TAKE_PAYMENTS)
def letter_queue(request):
    return render(
        request, "payments/returns/letter_queue.html", {"letters": selectors.queued_letters()}
    )


@staff_view(Perm.TAKE_PAYMENTS)
def letter_pdf(request, letter_id):
    letter = selectors.letter_for_print(letter_id)
    if letter is None or letter.returned_item is None:
        raise Http404("No such letter.")
    return pdf_response(
        letters.returned_payment_pdf(letter),
        f"returned-payment-{letter.account.formatted_number}-{letter.pk}.pdf",
    )


@staff_view(Perm.TAKE_PAYMENTS)
@require_POST
def letter_mark_printed(request, letter_id):
    try:
        services.letter_mark_printed(letter_id=letter_id, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The letter is marked printed.")
    return redirect("payments:letter_queue")


@staff_view(Perm.TAKE_PAYMENTS)
@require_POST
def letter_batch_pdf(request):
    """Every queued letter in one PDF (a download), and those letters marked printed."""
    pdf, count = letters.letters_batch_pdf(by=request.user)
    if pdf is None:
        messages.info(request, "No letters are waiting to be printed.")
        return redirect("payments:letter_queue")
    return pdf_response(pdf, f"letters-{timezone.localdate():%Y-%m-%d}-{count}.pdf", inline=False)
