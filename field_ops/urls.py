"""URLs of the field_ops app."""

from django.urls import path

from field_ops import (
    dispatch_views,
    finder_views,
    meter_test_views,
    report_views,
    technician,
    views,
)
from field_ops.work_orders import views as work_order_views

app_name = "field_ops"

urlpatterns = [
    # -- premises, meters, installations and reads (field_ops/views.py)
    path("premises/", views.premise_list, name="premise_list"),
    path("premises/new/", views.premise_create, name="premise_create"),
    path("premises/<int:premise_id>/", views.premise_detail, name="premise_detail"),
    path("premises/<int:premise_id>/edit/", views.premise_edit, name="premise_edit"),
    path("premises/<int:premise_id>/install/", views.premise_install, name="premise_install"),
    path("premises/<int:premise_id>/exchange/", views.meter_exchange, name="meter_exchange"),
    path("meters/", views.meter_list, name="meter_list"),
    path("meters/new/", views.meter_create, name="meter_create"),
    path("meters/<int:meter_id>/", views.meter_detail, name="meter_detail"),
    path("meters/<int:meter_id>/edit/", views.meter_edit, name="meter_edit"),
    path("meters/<int:meter_id>/status/", views.meter_status, name="meter_status"),
    path("meters/<int:meter_id>/install/", views.meter_install, name="meter_install"),
    path("meters/<int:meter_id>/remove/", views.meter_remove, name="meter_remove"),
    path("meters/<int:meter_id>/reads/new/", views.read_create, name="read_create"),
    path("reads/<int:read_id>/correct/", views.read_correct, name="read_correct"),
    # -- work orders and the technician's view (field_ops/work_orders/views.py, technician.py)
    path("work-orders/new/", work_order_views.work_order_new, name="work_order_new"),
    path(
        "work-orders/<int:work_order_id>/",
        work_order_views.work_order_detail,
        name="work_order_detail",
    ),
    path(
        "work-orders/files/<int:attachment_id>/",
        work_order_views.work_order_attachment,
        name="work_order_attachment",
    ),
    path("field/", technician.today, name="technician_today"),
    path("field/orders/<int:work_order_id>/", technician.order, name="technician_order"),
    path("field/orders/<int:work_order_id>/take/", technician.take, name="technician_take"),
    # -- dispatch, finder, field reports, meter tests (dispatch_views, finder_views,
    #    report_views, meter_test_views)
    path("dispatch/", dispatch_views.dispatch_board, name="dispatch_board"),
    path(
        "dispatch/orders/<int:work_order_id>/assign/",
        dispatch_views.dispatch_assign,
        name="dispatch_assign",
    ),
    path(
        "dispatch/orders/<int:work_order_id>/priority/",
        dispatch_views.dispatch_priority,
        name="dispatch_priority",
    ),
    path(
        "dispatch/orders/<int:work_order_id>/unassign/",
        dispatch_views.dispatch_unassign,
        name="dispatch_unassign",
    ),
    path(
        "dispatch/technicians/<int:technician_id>/send/",
        dispatch_views.dispatch_send_day,
        name="dispatch_send_day",
    ),
    path(
        "dispatch/route-sheet/<int:technician_id>/<str:day>/",
        dispatch_views.route_sheet,
        name="route_sheet",
    ),
    path("field/route-sheet/", dispatch_views.my_route_sheet, name="my_route_sheet"),
    path("premises/find/", finder_views.premise_finder, name="premise_finder"),
    path("meters/stock/", meter_test_views.meter_stock, name="meter_stock"),
    path(
        "meters/<int:meter_id>/tests/new/", meter_test_views.meter_test_new, name="meter_test_new"
    ),
    path("meters/<int:meter_id>/retire/", meter_test_views.meter_retire, name="meter_retire"),
    path("field-reports/", report_views.field_reports, name="field_reports"),
]
