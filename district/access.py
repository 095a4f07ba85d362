"""View access declarations. Every page says who may open it; the role x page test reads them.

`staff_view(Perm.X)`: signed-in staff holding the permission (anonymous -> sign-in page,
others -> 403). `staff_api_view(Perm.X)`: the same for API endpoints, answering in JSON
(anonymous -> 401, others -> 403) instead of sending a program to an HTML sign-in page.
`public_view`: anyone. `signed_in_view`: any signed-in user.
`token_api_view(scope)`: the integration API (/api/v1/), for other systems holding a bearer
token with the scope (integrations.authentication). A person's sign-in is not a credential
there: anonymous -> 401, any signed-in person -> 403. It is declared as a staff API whose
"permission" is the scope (`scope:<code>`), which no role holds, so the role x page test
expects exactly that.

API refusals are RFC 9457 problem details (district.api_errors), as from every API view.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url

from district.api_errors import problem_response
from district.roles import is_staff_user

PUBLIC = "public"
SIGNED_IN = "signed_in"
STAFF = "staff"
STAFF_API = "staff_api"
CUSTOMER = "customer"
SIGN_IN = "sign_in"
SCOPE_PREFIX = "scope:"


def _mark(view, kind: str, permission: str | None):
    view.access = (kind, permission)
    return view


def staff_view(permission: str | None = None):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_user(request.user):
                raise PermissionDenied("This page is for district staff.")
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied("Your role does not include this page.")
            return view(request, *args, **kwargs)

        return _mark(wrapper, STAFF, permission)

    return decorator


def _api_refusal(request, status: int, message: str):
    response = problem_response(request, status, message, errors={"access": [message]})
    if status == 401:
        # Session sign-in is the only scheme; the header says where to get one.
        sign_in = resolve_url(settings.LOGIN_URL)
        response["WWW-Authenticate"] = f'Session realm="staff", login="{sign_in}"'
    return response


def staff_api_view(permission: str | None = None):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _api_refusal(request, 401, "Sign in first: this API is for district staff.")
            if not is_staff_user(request.user):
                return _api_refusal(request, 403, "This API is for district staff.")
            if permission and not request.user.has_perm(permission):
                return _api_refusal(request, 403, "Your role does not include this API.")
            return view(request, *args, **kwargs)

        return _mark(wrapper, STAFF_API, permission)

    return decorator


def token_api_view(scope: str):
    """The integration API: a bearer token with `scope` (checked by the view's own
    authentication and permission classes, which answer 401 and 403 in problem details)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if "authorization" not in request.headers and request.user.is_authenticated:
                return problem_response(
                    request,
                    403,
                    "This API takes an integration token (Authorization: Bearer ...), "
                    "not a sign-in.",
                    errors={"access": ["Send an integration token."]},
                )
            return view(request, *args, **kwargs)

        return _mark(wrapper, STAFF_API, f"{SCOPE_PREFIX}{scope}")

    return decorator


def customer_view(view):
    """Pages of the customer portal: a signed-in customer (not staff)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_staff_user(request.user):
            raise PermissionDenied("Staff use the staff pages.")
        return view(request, *args, **kwargs)

    return _mark(wrapper, CUSTOMER, None)


def signed_in_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _mark(wrapper, SIGNED_IN, None)


def sign_in_view(view, *, signed_in: bool):
    """Declare one of allauth's views; `signed_in` when allauth asks for a signed-in user."""
    return _mark(view, SIGN_IN, SIGNED_IN if signed_in else None)


def public_view(view):
    return _mark(view, PUBLIC, None)


def access_of(view) -> tuple[str, str | None] | None:
    """The declared access of a view function or class-based view, or None if undeclared."""
    target = getattr(view, "view_class", None) or view
    return getattr(view, "access", None) or getattr(target, "access", None)
