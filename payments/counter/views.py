"""Counter pages: open a drawer, take payments, receipts and voids, the blind close.

Thin: parse the form, call one service, render. Every refusal is the service's own message.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.policies import policy_value
from district.roles import Perm
from payments.counter import receipts, selectors, services
from payments.counter.forms import (
    ACCOUNT_ROWS,
    CARD_NUMBER_MESSAGE,
    DrawerCloseForm,
    DrawerOpenForm,
    PaymentForm,
    VoidRequestForm,
    looks_like_card_number,
    new_key,
)
from payments.models import DrawerSession, Payment, Tender

# -- the drawer --------------------------------------------------------------------------------


def _next_payment(request) -> str:
    """Where to go once the drawer is open: back to the payment that asked for it (only a page
    of this portal's counter payment: an open redirect would be a phishing tool)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    pay = reverse("payments:counter_pay")
    if target.startswith(pay) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@staff_view(Perm.TAKE_PAYMENTS)
@require_http_methods(["GET", "POST"])
def counter(request):
    """The cashier's open drawer, or the form to open one with a counted float."""
    standard_float = policy_value("drawer-standard-float")
    session = selectors.open_session_for(request.user)
    next_url = _next_payment(request)
    if session is not None:
        if next_url:
            return redirect(next_url)
        return render(
            request,
            "payments/counter/counter.html",
            {
                "session": session,
                "receipts": selectors.session_receipts(session),
                "standard_float": standard_float,
            },
        )
    form = DrawerOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.drawer_open(
                drawer=form.cleaned_data["drawer"],
                cashier=request.user,
                opening_count=form.cleaned_count(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Drawer {session.drawer} is open with a float of "
                f"{format_money(session.opening_float)}.",
            )
            if session.opening_float != standard_float:
                messages.warning(
                    request,
                    f"The float counted, {format_money(session.opening_float)}, differs from "
                    f"the standard {format_money(standard_float)}: tell your lead.",
                )
            return redirect(next_url or "payments:counter")
    return render(
        request,
        "payments/counter/open.html",
        {
            "form": form,
            "standard_float": standard_float,
            "next_url": next_url,
            "recent_closes": selectors.recent_closes_for(request.user),
            "open_sessions": DrawerSession.objects.filter(status=DrawerSession.Status.OPEN)
            .select_related("drawer", "cashier")
            .order_by("drawer__name"),
        },
    )


# -- taking a payment --------------------------------------------------------------------------


# The lookup box's parameter: not "q", which the header's global search box shows back.
LOOKUP = "find"


def pay_url(account_ids, deposit_ids=()) -> str:
    """The payment page with these accounts; `deposit_ids`: those whose deposit is collected
    as its own line (kept only for accounts still on the payment)."""
    query = urlencode(
        [("account", account_id) for account_id in account_ids]
        + [("deposit", account_id) for account_id in deposit_ids if account_id in account_ids]
    )
    return reverse("payments:counter_pay") + (f"?{query}" if query else "")


def _ids(values) -> list[int]:
    ids: list[int] = []
    for value in values:
        try:
            account_id = int(value)
        except (TypeError, ValueError):
            continue
        if account_id not in ids and len(ids) < ACCOUNT_ROWS:
            ids.append(account_id)
    return ids


def _posted_ids(data) -> dict[int, int]:
    """Row -> account id, as the submitted form carries them."""
    rows = {}
    for row in range(ACCOUNT_ROWS):
        try:
            rows[row] = int(data.get(f"account_{row}", ""))
        except ValueError:
            continue
    return rows


def _lookup_context(query: str, ids: list[int], deposit_ids=()) -> dict:
    stub = selectors.stub_lookup(query)
    if stub is not None:
        lookup = stub
        if stub.account_id is None and looks_like_card_number(query):
            query = ""  # the error says why the line was refused; the digits are not shown back
    elif looks_like_card_number(query):
        # Neither searched nor shown back: card numbers are never typed here.
        query, lookup = "", selectors.Lookup(error=CARD_NUMBER_MESSAGE)
    else:
        lookup = selectors.counter_lookup(query) if query else selectors.Lookup()
    return {
        "query": query,
        "lookup": lookup,
        "hits": [
            {
                "hit": hit,
                "on_payment": hit.account_id in ids,
                "add_url": pay_url([*ids, hit.account_id], deposit_ids),
            }
            for hit in lookup.hits
        ],
        "room": len(ids) < ACCOUNT_ROWS,
        "account_ids": ids,
        "deposit_ids": [account_id for account_id in deposit_ids if account_id in ids],
    }


@staff_view(Perm.TAKE_PAYMENTS)
@require_http_methods(["GET", "POST"])
def counter_pay(request):
    """Take a payment at the cashier's open drawer: accounts (looked up), amounts, tenders."""
    if request.method == "GET" and request.htmx:
        ids = _ids(request.GET.getlist("account"))
        deposit_ids = _ids(request.GET.getlist("deposit"))
        context = _lookup_context(request.GET.get(LOOKUP, "").strip(), ids, deposit_ids)
        return render(request, "payments/counter/pay.html#lookup_results", context)
    session = selectors.open_session_for(request.user)
    if session is None:
        # Back here after opening one, with the same accounts (and deposit lines) chosen.
        return render(
            request,
            "payments/counter/pay_no_drawer.html",
            {
                "open_url": reverse("payments:counter")
                + "?"
                + urlencode({"next": request.get_full_path()})
            },
        )
    lookup = {"query": "", "lookup": selectors.Lookup(), "hits": [], "room": True}
    checked = None
    deposit_ids: list[int] = []
    if request.method == "POST" and request.POST.get("action") == "add_tender":
        # "Add tender" without JavaScript: the same form again, one more tender row shown.
        form = PaymentForm(initial=request.POST.dict(), extra_tenders=1)
        rows = _posted_ids(request.POST)
    elif request.method == "POST":
        form = PaymentForm(request.POST)
        rows = _posted_ids(request.POST)
        if form.is_valid():
            if request.POST.get("action") == "check":
                checked = form.result
            else:
                try:
                    payment = services.payment_post(
                        session_id=session.pk,
                        by=request.user,
                        payment=services.PaymentIn(
                            allocations=form.allocations,
                            tenders=form.tenders,
                            payer_name=form.cleaned_data["payer_name"],
                            deposits=form.deposits,
                        ),
                        idempotency_key=form.cleaned_data["idempotency_key"],
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(
                        request,
                        f"Receipt {payment.receipt_number} taken: "
                        f"{format_money(payment.total)}. Change due "
                        f"{format_money(payment.change_given)}.",
                    )
                    return redirect("payments:receipt", payment_id=payment.pk)
    else:
        form = None
        ids = _ids(request.GET.getlist("account"))
        deposit_ids = [account_id for account_id in _ids(request.GET.getlist("deposit"))
                       if account_id in ids]  # fmt: skip
        query = request.GET.get(LOOKUP, "").strip()
        if query:
            lookup = _lookup_context(query, ids, deposit_ids)
            match = lookup["lookup"]
            if match.account_id is not None and not match.error:
                if match.account_id in ids:
                    messages.info(request, "That account is already on this payment.")
                elif len(ids) >= ACCOUNT_ROWS:
                    messages.error(request, f"A receipt holds at most {ACCOUNT_ROWS} accounts.")
                else:
                    ids.append(match.account_id)
                    if match.stub_amount is not None:
                        messages.info(
                            request,
                            f"Stub scanned: amount due on the bill "
                            f"{format_money(match.stub_amount)}.",
                        )
                return redirect(pay_url(ids, deposit_ids))
        rows = dict(enumerate(ids))
    found = {pay.account.pk: pay for pay in selectors.pay_accounts(rows.values())}
    if form is None:  # a new form: each account's amount defaults to what it owes
        form = PaymentForm(initial=_new_payment_initial(rows, found, deposit_ids))
    # The deposit lines: those set up for a new form, or those a form sent back carried.
    source = form.data if form.is_bound else form.initial
    deposit_rows = {row for row in rows if f"deposit_{row}" in source}
    ids = [account_id for account_id in rows.values() if account_id in found]
    deposit_ids = [rows[row] for row in sorted(deposit_rows) if rows[row] in found]
    account_rows = [
        {
            "pay": found[account_id],
            "account_field": form[f"account_{row}"],
            "amount_field": form[f"amount_{row}"],
            "deposit_field": form[f"deposit_{row}"] if row in deposit_rows else None,
            "remove_url": pay_url([other for other in ids if other != account_id], deposit_ids),
        }
        for row, account_id in rows.items()
        if account_id in found
    ]
    if account_rows and not (form.is_bound and form.errors):
        # Arriving with the account chosen, the cashier types the cash handed over first.
        form.fields["tender_amount_0"].widget.attrs["autofocus"] = True
    return render(
        request,
        "payments/counter/pay.html",
        {
            "session": session,
            "form": form,
            "account_rows": account_rows,
            "checked": checked,
            "account_ids": ids,
            **lookup,
            "deposit_ids": deposit_ids,
            "room": len(ids) < ACCOUNT_ROWS,
            # This page has its own lookup box: the header's search would be a second one.
            "search_url": None,
        },
    )


def _new_payment_initial(rows: dict[int, int], found: dict, deposit_ids) -> dict:
    """A new payment: cash as the first tender; each account's amount is what it owes, and an
    account whose deposit is collected has it as its own line (the amount is the rest owed)."""
    initial = {"idempotency_key": new_key(), "tender_kind_0": Tender.Kind.CASH}
    collect = selectors.deposits_to_collect(
        [found[account_id] for account_id in deposit_ids if account_id in found]
    ) if deposit_ids else {}  # fmt: skip
    for row, account_id in rows.items():
        initial[f"account_{row}"] = account_id
        if account_id not in found:
            continue
        owed = found[account_id].owed
        deposit = collect.get(account_id)
        if deposit:
            initial[f"deposit_{row}"] = deposit
            owed -= deposit
        if owed:
            initial[f"amount_{row}"] = owed
    return initial


# -- receipts and voids ------------------------------------------------------------------------


def _receipt_or_404(payment_id: int) -> selectors.Receipt:
    found = selectors.receipt(payment_id)
    if found is None:
        raise Http404("No such receipt.")
    return found


def _receipt_page(request, payment_id: int, void_form=None, status: int = 200):
    data = _receipt_or_404(payment_id)
    payment = data.payment
    can_request_void = (
        payment.channel == Payment.Channel.COUNTER
        and not data.is_void
        and not data.void_pending
        and payment.session is not None
        and payment.session.status == DrawerSession.Status.OPEN
    )
    return render(
        request,
        "payments/counter/receipt.html",
        {
            "receipt": data,
            "payment": payment,
            "void_form": void_form or VoidRequestForm(),
            "can_request_void": can_request_void,
        },
        status=status,
    )


@staff_view(Perm.TAKE_PAYMENTS)
@require_http_methods(["GET"])
def receipt(request, payment_id):
    return _receipt_page(request, payment_id)


@staff_view(Perm.TAKE_PAYMENTS)
@require_http_methods(["GET"])
def receipt_pdf(request, payment_id):
    data = _receipt_or_404(payment_id)
    response = HttpResponse(receipts.receipt_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="receipt-{data.payment.receipt_number}.pdf"'
    )
    return response


@staff_view(Perm.TAKE_PAYMENTS)
@require_POST
def receipt_void(request, payment_id):
    """Ask a supervisor to void the receipt (the approvals queue decides)."""
    form = VoidRequestForm(request.POST)
    if not form.is_valid():
        return _receipt_page(request, payment_id, void_form=form, status=400)
    try:
        services.void_request(
            payment_id=payment_id,
            by=request.user,
            reason=form.cleaned_data["reason"],
            idempotency_key=f"void-request:{form.cleaned_data['idempotency_key']}",
        )
    except ValidationError as error:
        add_service_error(form, error)
        return _receipt_page(request, payment_id, void_form=form, status=400)
    messages.success(request, "Void requested: a supervisor decides it in the approvals queue.")
    return redirect("payments:receipt", payment_id=payment_id)


# -- the blind close ---------------------------------------------------------------------------


def _session_or_404(session_id: int) -> DrawerSession:
    session = selectors.session_for_page(session_id)
    if session is None:
        raise Http404("No such drawer session.")
    return session


@staff_view(Perm.TAKE_PAYMENTS)
@require_http_methods(["GET", "POST"])
def counter_close(request, session_id):
    """The blind close: the cashier counts before seeing what the system expects."""
    session = _session_or_404(session_id)
    if session.cashier_id != request.user.pk:
        # Not a 403: the page exists for every cashier, it only closes one's own drawer.
        return render(request, "payments/counter/close.html", {"session": session, "form": None})
    if session.status == DrawerSession.Status.CLOSED:
        return redirect("payments:counter_session", session_id=session.pk)
    form = DrawerCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.drawer_close(
                session_id=session.pk, by=request.user, count=form.close_count()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Drawer {closed.drawer} is closed.")
            return redirect("payments:counter_session", session_id=closed.pk)
    return render(request, "payments/counter/close.html", {"session": session, "form": form})


# Any staff: the drawer's cashier, and head cashiers and finance (balance cash) for any drawer;
# others get a page saying so (finance balances cash without taking payments).
@staff_view(None)
@require_http_methods(["GET"])
def counter_session(request, session_id):
    """A session's close: expected against counted, the over/short and where it went."""
    session = _session_or_404(session_id)
    may_see = session.cashier_id == request.user.pk or request.user.has_perm(Perm.BALANCE_CASH)
    return render(
        request,
        "payments/counter/session.html",
        {
            "session": session,
            "may_see": may_see,
            "counts": selectors.session_counts(session) if may_see else [],
            "receipts": selectors.session_receipts(session) if may_see else [],
            "is_closed": session.status == DrawerSession.Status.CLOSED,
            "over_short_amount": abs(session.over_short),
        },
    )
