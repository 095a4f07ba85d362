"""The portal's URLs. Each app owns its urls module; the API schema is served for clients."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from district import (
    calendar_views,
    password_reset_views,
    policy_views,
    session_views,
    sign_in,
    views,
)
from district.access import sign_in_view, staff_api_view

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", sign_in.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("accounts/password/reset/", password_reset_views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        password_reset_views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_reset_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        password_reset_views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("history/<str:model>/<int:object_id>/", views.history, name="history"),
    path("policies/", policy_views.policies, name="policies"),
    path("policies/<int:policy_id>/edit/", policy_views.policy_edit, name="policy_edit"),
    path("office-calendar/", calendar_views.office_calendar, name="office_calendar"),
    path(
        "office-calendar/<int:closure_id>/remove/",
        calendar_views.office_closure_delete,
        name="office_closure_delete",
    ),
    # One password reset: ours (rate limits, the admin's forced reset, lifting a lockout).
    # allauth's page at the same address (linked from its re-authentication form) sends there.
    path(
        "auth/password/reset/",
        sign_in_view(RedirectView.as_view(pattern_name="password_reset"), signed_in=False),
        name="allauth_password_reset",
    ),
    # Your open sessions: ours, in place of allauth.usersessions' page at the same address
    # (any one of them signed out, after the password again).
    path("auth/sessions/", session_views.sessions, name="usersessions_list"),
    path("auth/", include(sign_in.allauth_urlpatterns())),
    path("admin/", admin.site.urls),
    path("language/", include("portal.language_urls")),  # the English / Español switch
    # The OpenAPI document, for staff (its reference page, /api/docs/, serves Swagger UI from
    # static/vendor: no CDN). Integrations read their part in the reference.
    path("api/schema/", staff_api_view()(SpectacularAPIView.as_view()), name="api-schema"),
    path("", include("district.ledger.urls")),
    path("", include("district.approvals.urls")),
    path("", include("district.queues.urls")),
    path("", include("district.review.urls")),
    path("", include("field_ops.urls")),
    path("", include("accounts.urls")),
    path("", include("accounts.correspondence.urls")),
    path("", include("billing.urls")),
    path("", include("billing.arrangements.urls")),
    path("", include("billing.collections.urls")),
    path("", include("billing.shutoffs.urls")),
    path("", include("billing.writeoffs.urls")),
    path("", include("payments.urls")),
    path("", include("hydrants.urls")),
    path("", include("integrations.urls")),
    path("", include("district.registers.urls")),
    path("portal/", include("portal.urls")),
]

handler500 = "district.views.server_error"
