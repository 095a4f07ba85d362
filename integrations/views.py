"""Staff pages of the integrations: the administrator's token list (create, revoke) and the
API reference (Swagger UI served from static/vendor, the schema from /api/schema/)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from district.access import staff_view
from district.errors import ServiceError
from district.forms import add_service_error
from district.roles import Perm
from district.sign_in import reauthentication_required
from integrations.forms import IntegrationTokenForm
from integrations.models import IntegrationToken
from integrations.services import token_create, token_revoke


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
    listed = IntegrationToken.objects.select_related("created_by", "revoked_by")
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


@staff_view()
def api_docs(request):
    return render(request, "integrations/api_docs.html")
