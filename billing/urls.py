"""URLs of the billing app."""

from django.urls import path

import billing.bill_runs.issue_views as issue_views
import billing.bill_runs.views as bill_run_views
import billing.calendar.views as calendar_views
import billing.corrections.views as correction_views
import billing.documents.portal_views as portal
import billing.documents.views as bill_views
import billing.rates.calculator_views as calculator_views
import billing.reads.views as read_views
from billing import api

app_name = "billing"
urlpatterns = [
    # -- rates and the bill calculator (billing/rates/calculator_views.py, billing/api.py)
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

# -- calendar and reads (billing/calendar/views.py, billing/reads/views.py)
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

# -- bills: the bill page, its PDF and "why high?" (billing/documents/views.py)
urlpatterns += [
    path("bills/<int:bill_id>/", bill_views.bill_detail, name="bill_detail"),
    path("bills/<int:bill_id>/pdf/", bill_views.bill_pdf_view, name="bill_pdf"),
    path("bills/<int:bill_id>/why/", bill_views.bill_why_high, name="bill_why_high"),
]

# -- the customer portal's bills (billing/documents/portal_views.py;
#    billing.bill_runs.issue.PORTAL_BILL_PATH links here)
urlpatterns += [
    path("portal/bills/", portal.portal_bills, name="portal_bills"),
    path("portal/bills/<int:bill_id>/", portal.portal_bill, name="portal_bill"),
    path("portal/bills/<int:bill_id>/pdf/", portal.portal_bill_pdf, name="portal_bill_pdf"),
]

# -- corrections and adjustments (billing/corrections/views.py)
urlpatterns += [
    path("bills/<int:bill_id>/rebill/", correction_views.bill_rebill, name="bill_rebill"),
    path(
        "billing/accounts/<int:account_id>/adjustments/",
        correction_views.account_adjustments,
        name="account_adjustments",
    ),
    path(
        "billing/accounts/<int:account_id>/leak-adjustment/",
        correction_views.leak_adjustment,
        name="leak_adjustment",
    ),
]

# -- bill runs (billing/bill_runs/views.py)
urlpatterns += [
    path("billing/runs/", bill_run_views.bill_run_list, name="bill_runs"),
    path("billing/runs/start/", bill_run_views.bill_run_start, name="bill_run_start"),
    path("billing/runs/<int:run_id>/", bill_run_views.bill_run_detail, name="bill_run"),
    path(
        "billing/runs/<int:run_id>/progress/",
        bill_run_views.bill_run_progress,
        name="bill_run_progress",
    ),
    path("billing/runs/<int:run_id>/post/", bill_run_views.bill_run_post, name="bill_run_post"),
    path(
        "billing/runs/<int:run_id>/resume/", bill_run_views.bill_run_resume, name="bill_run_resume"
    ),
    path(
        "billing/runs/<int:run_id>/recalculate/",
        bill_run_views.bill_run_recalculate,
        name="bill_run_recalculate",
    ),
    # issue stage (billing/bill_runs/issue.py)
    path("billing/runs/<int:run_id>/issue/", bill_run_views.bill_run_issue, name="bill_run_issue"),
    path(
        "billing/runs/<int:run_id>/print-file/",
        bill_run_views.bill_run_print_file,
        name="bill_run_print_file",
    ),
    path("billing/print-files/", issue_views.print_files, name="print_files"),
    path(
        "billing/runs/exceptions/<int:exception_id>/",
        bill_run_views.bill_exception_action,
        name="bill_exception_action",
    ),
]
