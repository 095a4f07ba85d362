"""The counter's payment page: find accounts (search or a scanned stub), amounts, tenders.

Thin: the form parses, the services decide (`payment_check` for the "Check" button's change,
`payment_post` to take the payment), and a refusal shows beside the fields it names.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.roles import Perm
from payments.counter import selectors, services
from payments.counter.forms import (
    ACCOUNT_ROWS,
    CARD_NUMBER_MESSAGE,
    PaymentForm,
    looks_like_card_number,
    new_key,
)
from payments.models import Tender

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
        return _no_drawer(request)
    if request.method == "GET":
        return _new_payment(request, session)
    rows = _posted_ids(request.POST)
    if request.POST.get("action") == "add_tender":
        # "Add tender" without JavaScript: the same form again, one more tender row shown.
        form = PaymentForm(initial=request.POST.dict(), extra_tenders=1)
        return _pay_page(request, session, rows, form=form)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _pay_page(request, session, rows, form=form)
    try:
        if request.POST.get("action") == "check":
            checked = services.payment_check(form.payment_in())
            return _pay_page(request, session, rows, form=form, checked=checked.tendered)
        payment = services.payment_post(
            session_id=session.pk,
            by=request.user,
            payment=form.payment_in(),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        add_service_error(form, form.on_rows(error))
        return _pay_page(request, session, rows, form=form)
    messages.success(
        request,
        f"Receipt {payment.receipt_number} taken: {format_money(payment.total)}. "
        f"Change due {format_money(payment.change_given)}.",
    )
    return redirect("payments:receipt", payment_id=payment.pk)


def _no_drawer(request):
    """No open drawer: open one, then come back here with the same accounts (and deposit
    lines) chosen."""
    return render(
        request,
        "payments/counter/pay_no_drawer.html",
        {
            "open_url": reverse("payments:counter")
            + "?"
            + urlencode({"next": request.get_full_path()})
        },
    )


def _new_payment(request, session):
    """A new payment for the accounts in the address; a lookup that finds one account (or a
    scanned stub) adds it and comes back here."""
    ids = _ids(request.GET.getlist("account"))
    deposit_ids = [account_id for account_id in _ids(request.GET.getlist("deposit"))
                   if account_id in ids]  # fmt: skip
    query = request.GET.get(LOOKUP, "").strip()
    lookup = _lookup_context(query, ids, deposit_ids) if query else None
    if lookup is not None:
        match = lookup["lookup"]
        if match.account_id is not None and not match.error:
            _add_match(request, match, ids)
            return redirect(pay_url(ids, deposit_ids))
    return _pay_page(request, session, dict(enumerate(ids)), deposit_ids=deposit_ids, lookup=lookup)


def _add_match(request, match: selectors.Lookup, ids: list[int]) -> None:
    """Add the account a lookup found to `ids`, or say why not."""
    if match.account_id in ids:
        messages.info(request, "That account is already on this payment.")
    elif len(ids) >= ACCOUNT_ROWS:
        messages.error(request, f"A receipt holds at most {ACCOUNT_ROWS} accounts.")
    else:
        ids.append(match.account_id)
        if match.stub_amount is not None:
            messages.info(
                request,
                f"Stub scanned: amount due on the bill {format_money(match.stub_amount)}.",
            )


def _pay_page(request, session, rows, *, form=None, deposit_ids=(), lookup=None, checked=None):
    """The payment page for the accounts in `rows` (form row -> account id)."""
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
    lookup = lookup or {"query": "", "lookup": selectors.Lookup(), "hits": [], "room": True}
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
