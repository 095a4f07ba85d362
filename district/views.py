"""District-wide pages: the role home page, the health check, sign-in and password pages."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from district import panels
from district.access import public_view, signed_in_view, staff_view
from district.audit import history_back_url, history_for, history_model, history_permission
from district.celery import app as celery_app
from district.roles import Perm, is_staff_user, role_of


@signed_in_view
def home(request):
    """Each role's home page: the panels (queues, counts, shortcuts) registered for it."""
    if not is_staff_user(request.user):
        # A customer's home is the portal's (named, not imported: the portal sits above).
        return redirect("portal:home")
    return render(
        request,
        "district/home.html",
        {
            "role": role_of(request.user),
            "panels": panels.render_panels("home", request),
            # The counter starts from search: the header's box takes the focus on the home page.
            "autofocus_search": True,
        },
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool | None:
    """None when no broker is configured (tasks run in-process)."""
    if not settings.CELERY_BROKER_URL:
        return None
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@public_view
@never_cache
def healthz(request):
    """For load balancers and compose: 200 when the database (and broker, if any) answer."""
    database = _database_ok()
    broker = _broker_ok()
    healthy = database and broker is not False
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "down",
        "broker": {None: "not configured", True: "ok", False: "down"}[broker],
    }
    return JsonResponse(body, status=200 if healthy else 503)


logout = public_view(auth_views.LogoutView.as_view())
password_change = signed_in_view(
    method_decorator(never_cache, name="dispatch")(auth_views.PasswordChangeView).as_view()
)
password_change_done = signed_in_view(auth_views.PasswordChangeDoneView.as_view())


@staff_view(Perm.VIEW_HISTORY)
def history(request, model, object_id):
    """The History tab of a customer, account, premise, meter or policy."""
    model_class = history_model(model)
    if model_class is None:
        raise Http404("No history for that kind of record.")
    # A record whose history holds what its own page guards (a customer's phone, e-mail,
    # mailing address) needs that page's permission too (registered with the model).
    extra_permission = history_permission(model)
    if extra_permission and not request.user.has_perm(extra_permission):
        raise PermissionDenied("Your role does not include what this record's history shows.")
    obj = get_object_or_404(model_class, pk=object_id)
    back_url = history_back_url(model, obj.pk)
    return render(
        request,
        "district/history.html",
        {
            "object": obj,
            "model_name": model_class._meta.verbose_name,
            "entries": history_for(obj),
            "back_url": back_url,
        },
    )


def server_error(request):
    """The 500 page with the request's reference (its X-Request-ID, on the error's log line
    too), so a caller quoting it leads straight to the logged error (ASVS 7.4.1)."""
    body = loader.get_template("500.html").render({"request_id": getattr(request, "id", "")})
    return HttpResponseServerError(body)
