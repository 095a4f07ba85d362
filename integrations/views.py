"""Staff pages of the integrations: the administrator's token list (create, revoke) and the
API reference (Swagger UI served from static/vendor, the schema from /api/schema/)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from district.access import staff_view
from district.errors import ServiceError
from district.forms import add_service_error
from district.money import format_money
from district.policies import policy_value
from district.roles import Perm
from district.sign_in import reauthentication_required
from integrations.forms import IntegrationTokenForm, TokenDrawerOpenForm
from integrations.models import IntegrationToken
from integrations.scopes import Scope
from integrations.selectors import token_drawer_sessions
from integrations.services import (
    token_create,
    token_drawer_close,
    token_drawer_open,
    token_revoke,
)
from payments.counter.forms import DrawerCloseForm


@staff_view(Perm.MANAGE_INTEGRATION_TOKENS)
@reauthentication_required
def tokens(request):
    form = IntegrationTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = token_create(
                name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], by=request.user
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            # Rendered, not redirected: the secret is in this one response and nowhere else
            # (not in a message cookie, not in the session).
            return render(request, "integrations/token_created.html", {"issued": issued})
    listed = list(IntegrationToken.objects.select_related("created_by", "revoked_by"))
    sessions = token_drawer_sessions(listed)
    for token in listed:
        # A till or kiosk (payments:write) posts into its own drawer: shown with its state.
        token.takes_payments = token.has_scope(Scope.PAYMENTS_WRITE)
        token.drawer_session = sessions.get(token.pk)
    return render(request, "integrations/tokens.html", {"form": form, "tokens": listed})


@staff_view(Perm.MANAGE_INTEGRATION_TOKENS)
@require_POST
def token_revoke_view(request, token_id: int):
    token = get_object_or_404(IntegrationToken, pk=token_id)
    try:
        token_revoke(token=token, by=request.user)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{token} is revoked; calls with it now answer 401.")
    return redirect("integrations:tokens")


# -- the drawer of a till or kiosk (payments:write tokens) ---------------------------------------


def _drawer_token_or_404(token_id: int) -> IntegrationToken:
    return get_object_or_404(IntegrationToken.objects.select_related("user"), pk=token_id)


@staff_view(Perm.MANAGE_INTEGRATION_TOKENS)
@require_http_methods(["GET", "POST"])
def token_drawer_open_view(request, token_id: int):
    """Open a till's or kiosk's drawer with the float as counted, like a counter drawer."""
    token = _drawer_token_or_404(token_id)
    standard_float = policy_value("drawer-standard-float")
    form = TokenDrawerOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = token_drawer_open(
                token=token, by=request.user, opening_count=form.cleaned_count()
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Drawer {session.drawer} is open with a float of "
                f"{format_money(session.opening_float)}; {token.name} can post payments.",
            )
            return redirect("integrations:tokens")
    return render(
        request,
        "integrations/token_drawer.html",
        {"token": token, "form": form, "closing": False, "standard_float": standard_float},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view(Perm.MANAGE_INTEGRATION_TOKENS)
@require_http_methods(["GET", "POST"])
def token_drawer_close_view(request, token_id: int):
    """Count and close the drawer blind on the system's behalf (the counter's close)."""
    token = _drawer_token_or_404(token_id)
    form = DrawerCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = token_drawer_close(token=token, by=request.user, count=form.close_count())
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Drawer {session.drawer} is counted and closed.")
            return redirect("payments:counter_session", session_id=session.pk)
    return render(
        request,
        "integrations/token_drawer.html",
        {"token": token, "form": form, "closing": True},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view()
def api_docs(request):
    return render(request, "integrations/api_docs.html")
