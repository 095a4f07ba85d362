"""Counter pages: open a drawer, take payments, receipts and voids, the blind close.

Thin: parse the form, call one service, render. Every refusal is the service's own message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.policies import policy_value
from district.roles import Perm
from district.sign_in import reauthentication_required
from payments.counter import receipts, selectors, services
from payments.counter.forms import (
    DrawerCloseForm,
    DrawerOpenForm,
    VoidRequestForm,
)
from payments.models import DrawerSession
from payments.responses import pdf_response

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


# -- receipts and voids ------------------------------------------------------------------------


def _receipt_or_404(payment_id: int) -> selectors.Receipt:
    found = selectors.receipt(payment_id)
    if found is None:
        raise Http404("No such receipt.")
    return found


def _receipt_page(request, payment_id: int, void_form=None, status: int = 200):
    data = _receipt_or_404(payment_id)
    return render(
        request,
        "payments/counter/receipt.html",
        {
            "receipt": data,
            "payment": data.payment,
            "void_form": void_form or VoidRequestForm(),
            "can_request_void": data.can_request_void,
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
    return pdf_response(receipts.receipt_pdf(data), f"receipt-{data.payment.receipt_number}.pdf")


@staff_view(Perm.TAKE_PAYMENTS)
@require_POST
@reauthentication_required
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
    if session.is_closed:
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
            "is_closed": session.is_closed,
            "over_short_amount": abs(session.over_short),
        },
    )
