"""URLs of the billing app."""

from django.urls import path

import billing.calendar_views as calendar_views
import billing.read_views as read_views
from billing import api, calculator_views

app_name = "billing"
urlpatterns = [
    # -- rates and the bill calculator (billing/calculator_views.py, billing/api.py)
    path("billing/rates/", calculator_views.rate_list, name="rates"),
    path("billing/rates/load/", calculator_views.rate_load, name="rate_load"),
    path(
        "billing/rates/versions/<int:version_id>/",
        calculator_views.rate_version,
        name="rate_version",
    ),
    path("billing/rates/compare/", calculator_views.rate_compare, name="rate_compare"),
    path("billing/rates/impact/", calculator_views.rate_impact_report, name="rate_impact"),
    path("billing/calculator/", calculator_views.calculator, name="calculator"),
    path("api/billing/calculate", api.calculate, name="api_calculate"),
]

# -- calendar and reads (billing/calendar_views.py, billing/read_views.py)
urlpatterns += [
    path("billing/calendar/", calendar_views.calendar_page, name="calendar"),
    path(
        "billing/calendar/periods/<int:period_id>/",
        calendar_views.period_detail,
        name="period_detail",
    ),
    path(
        "billing/calendar/periods/<int:period_id>/schedule/",
        calendar_views.period_schedule,
        name="period_schedule",
    ),
    path(
        "billing/calendar/periods/<int:period_id>/estimate/",
        calendar_views.period_estimate,
        name="period_estimate",
    ),
    path("billing/cycles/", calendar_views.cycle_list, name="cycle_list"),
    path("billing/cycles/new/", calendar_views.cycle_create, name="cycle_create"),
    path("billing/cycles/<int:cycle_id>/", calendar_views.cycle_detail, name="cycle_detail"),
    path("billing/cycles/<int:cycle_id>/edit/", calendar_views.cycle_edit, name="cycle_edit"),
    path("billing/reads/", read_views.route_list, name="read_routes"),
    path("billing/reads/route/<str:route>/", read_views.route_grid, name="read_route"),
    path("billing/reads/import/", read_views.read_import, name="read_import"),
]
