"""Staff pages of refunds: ask to refund a credit balance, and the refund register (CSV for
accounts payable). Thin: parse, call a service or selector, render."""

import csv
import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.refunds.selectors import mailing_address, pending_refund_requests
from billing.refunds.services import credit_refund_request
from district.access import staff_view
from district.forms import add_service_error
from district.ledger.selectors import account_balance
from district.money import ZERO, format_money
from district.roles import Perm
from district.sign_in import reauthentication_required
from payments.refunds import selectors
from payments.refunds.forms import RefundRegisterForm, RefundRequestForm

# The refund register's CSV for accounts payable. The columns and their order are a contract
# with AP's import: add new columns only at the end, never rename or reorder.
#   date          effective date of the ledger entry (YYYY-MM-DD)
#   journal_id    the journal, unique per refund (AP's reference back to the ledger)
#   account       service account number as printed (1234567-8)
#   payee         customer's name (last, first; or the business name)
#   address_1..3  mailing address lines (the last one "City, ST ZIP"), empty when unused
#   amount        dollars and cents, no symbol; a refund owed is positive, a reversal negative
#   source        Deposit refund / Final bill credit / Credit balance / Reversal
#   approved_by   who posted it (the approver)
CSV_COLUMNS = [
    "date",
    "journal_id",
    "account",
    "payee",
    "address_1",
    "address_2",
    "address_3",
    "amount",
    "source",
    "approved_by",
]


@staff_view(Perm.ADJUST_BILLS)
@reauthentication_required
def refund_new(request, account_id):
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    balance = account_balance(account.pk)
    if request.method == "POST":
        form = RefundRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                refund = credit_refund_request(
                    account_id=account.pk,
                    amount=data["amount"],
                    reason=data["reason"],
                    by=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"The refund of {format_money(refund.amount)} is waiting for a "
                    "supervisor's approval.",
                )
                return redirect("accounts:account_detail", account_id=account.pk)
    else:
        initial = {"idempotency_key": uuid.uuid4().hex}
        if balance < 0:
            initial["amount"] = f"{-balance:.2f}"
        form = RefundRequestForm(initial=initial)
    return render(
        request,
        "payments/refunds/refund_new.html",
        {
            "account": account,
            "form": form,
            "credit": max(-balance, ZERO),
            "address": mailing_address(account),
            "pending": pending_refund_requests(account.pk),
        },
    )


def _month_start(day: date) -> date:
    return day.replace(day=1)


@staff_view(Perm.VIEW_REPORTS)
def refund_register(request):
    today = timezone.localdate()
    form = RefundRegisterForm(request.GET or None)
    start, end = _month_start(today), today
    if form.is_bound and form.is_valid():
        # Either end may be left empty: the month of the other one (this month by default).
        given_start, given_end = form.cleaned_data["start"], form.cleaned_data["end"]
        start = given_start or _month_start(given_end or today)
        end = given_end or max(today, start)
    register = selectors.refund_register(start=start, end=end)
    if request.GET.get("format") == "csv" and not form.errors:
        return _register_csv(register)
    return render(
        request,
        "payments/refunds/refund_register.html",
        {
            "form": form,
            "register": register,
            "csv_query": f"start={start.isoformat()}&end={end.isoformat()}&format=csv",
        },
    )


def _register_csv(register) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="refund-register-{register.start:%Y%m%d}-{register.end:%Y%m%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in register.rows:
        address = (row.address + ["", "", ""])[:3]
        writer.writerow(
            [
                row.date.isoformat(),
                row.journal_id,
                row.account.formatted_number if row.account else "",
                row.payee,
                *address,
                f"{row.amount:.2f}",
                row.source,
                row.approved_by,
            ]
        )
    return response
