"""Staff pages of deposits, the head cashier's day and the daily cash report. Thin: parse input,
call one service or selector, render."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.roles import Perm
from payments.deposits import daily_cash as report
from payments.deposits import selectors, services, slip
from payments.deposits.forms import DayForm, DepositForm, RecountForm
from payments.models import DrawerSession
from payments.responses import csv_response, pdf_response


def _day(request) -> tuple[date, DayForm]:
    """The ?day=YYYY-MM-DD asked for (today when absent or not a date)."""
    today = timezone.localdate()
    if "day" not in request.GET:
        return today, DayForm(initial={"day": today})
    form = DayForm(request.GET)
    if form.is_valid() and form.cleaned_data["day"]:
        return form.cleaned_data["day"], form
    return today, form  # the form shows why the day was not understood


def _source_label(source: selectors.Source) -> str:
    checks = (
        f", checks and money orders {format_money(source.check_total)} ({source.check_count})"
        if source.check_count
        else ""
    )
    return (
        f"{source.label} · {format_money(source.amount)} (cash {format_money(source.cash)}{checks})"
    )


@staff_view(Perm.BALANCE_CASH)
def deposit_list(request):
    return render(
        request, "payments/deposits/deposit_list.html", {"deposits": selectors.deposit_list()}
    )


@staff_view(Perm.BALANCE_CASH)
def deposit_new(request):
    waiting = selectors.undeposited()
    choices = {
        "session_choices": [(s.pk, _source_label(s)) for s in waiting.sessions],
        "batch_choices": [(b.pk, _source_label(b)) for b in waiting.batches],
    }
    if request.method == "POST":
        form = DepositForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                deposit = services.bank_deposit_prepare(
                    session_ids=data["sessions"],
                    batch_ids=data["batches"],
                    currency_count=form.cleaned_count(),
                    by=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Deposit {deposit.pk} of {format_money(deposit.total)} is prepared: "
                    "print the slip and take the bag to the bank.",
                )
                return redirect(
                    reverse("payments:deposit_detail", kwargs={"deposit_id": deposit.pk})
                )
    else:
        form = DepositForm(**choices)
    return render(
        request,
        "payments/deposits/deposit_new.html",
        {"form": form, "waiting": waiting},
    )


def _deposit_view(deposit_id) -> selectors.DepositView:
    view = selectors.deposit_view(deposit_id)
    if view is None:
        raise Http404("No such deposit.")
    return view


@staff_view(Perm.BALANCE_CASH)
def deposit_detail(request, deposit_id):
    view = _deposit_view(deposit_id)
    return render(
        request,
        "payments/deposits/deposit_detail.html",
        {
            "view": view,
            "deposit": view.deposit,
            "can_view_ledger": request.user.has_perm(Perm.VIEW_LEDGER),
        },
    )


@staff_view(Perm.BALANCE_CASH)
def deposit_slip_pdf(request, deposit_id):
    view = _deposit_view(deposit_id)
    return pdf_response(slip.deposit_slip_pdf(view), f"deposit-{view.deposit.pk}.pdf")


@staff_view(Perm.BALANCE_CASH)
def cash_day(request):
    day, form = _day(request)
    data = selectors.cash_day(day)
    return render(
        request,
        "payments/deposits/cash_day.html",
        {"data": data, "day_form": form, "day": day},
    )


@staff_view(Perm.BALANCE_CASH)
def cash_day_recount(request, session_id):
    session = get_object_or_404(
        DrawerSession.objects.select_related("drawer", "cashier", "over_short_request"),
        pk=session_id,
    )
    can_recount = selectors.recountable(session)
    if request.method == "POST" and can_recount:
        form = RecountForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.drawer_recount(
                    session_id=session.pk,
                    by=request.user,
                    count=form.close_count(),
                    reason=data["reason"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if session.over_short_pending:
                    messages.info(
                        request,
                        f"The recount is {format_money(session.over_short)} off, beyond "
                        "tolerance: a supervisor has been asked to approve it.",
                    )
                else:
                    messages.success(request, "The recount is recorded; the drawer is settled.")
                return redirect(
                    f"{reverse('payments:cash_day')}?day={session.business_date:%Y-%m-%d}"
                )
    else:
        form = RecountForm()
    return render(
        request,
        "payments/deposits/recount.html",
        {"session": session, "form": form, "can_recount": can_recount},
    )


@staff_view(Perm.VIEW_REPORTS)
def daily_cash_report(request):
    day, form = _day(request)
    data = report.daily_cash(day)
    kind = request.GET.get("format", "")
    if kind == "csv":
        return csv_response(report.daily_cash_csv(data), f"daily-cash-{day:%Y-%m-%d}.csv")
    if kind == "pdf":
        return pdf_response(report.daily_cash_pdf(data), f"daily-cash-{day:%Y-%m-%d}.pdf")
    return render(
        request,
        "payments/deposits/daily_cash.html",
        {"report": data, "day_form": form, "day": day},
    )
