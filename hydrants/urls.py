"""URLs of the hydrants app."""

from django.urls import include, path

from hydrants.inventory import views as inventory
from hydrants.permits import views as permits

app_name = "hydrants"
urlpatterns: list = [
    # the fleet
    path("hydrants/meters/", inventory.meter_list, name="meter_list"),
    path("hydrants/meters/new/", inventory.meter_create, name="meter_create"),
    path("hydrants/meters/<int:hydrant_meter_id>/", inventory.meter_detail, name="meter_detail"),
    path("hydrants/meters/<int:hydrant_meter_id>/edit/", inventory.meter_edit, name="meter_edit"),
    path("hydrants/meters/<int:hydrant_meter_id>/move/", inventory.meter_move, name="meter_move"),
    path("hydrants/", inventory.hydrant_list, name="hydrant_list"),
    path("hydrants/new/", inventory.hydrant_create, name="hydrant_create"),
    path("hydrants/<int:hydrant_id>/", inventory.hydrant_detail, name="hydrant_detail"),
    path("hydrants/<int:hydrant_id>/edit/", inventory.hydrant_edit, name="hydrant_edit"),
    # permits and custody
    path("hydrants/permits/", permits.permit_list, name="permit_list"),
    path("hydrants/permits/new/", permits.permit_create, name="permit_create"),
    path("hydrants/permits/expiring/", permits.expiring, name="expiring"),
    path("hydrants/meters-out/", permits.meters_out, name="meters_out"),
    path(
        "hydrants/permits/<int:hydrant_permit_id>/",
        permits.permit_detail,
        name="permit_detail",
    ),
    path(
        "hydrants/permits/<int:hydrant_permit_id>/submit/",
        permits.permit_submit,
        name="permit_submit",
    ),
    path(
        "hydrants/permits/<int:hydrant_permit_id>/cancel/",
        permits.permit_cancel,
        name="permit_cancel",
    ),
    path(
        "hydrants/permits/<int:hydrant_permit_id>/renew/",
        permits.permit_renew,
        name="permit_renew",
    ),
    path(
        "hydrants/permits/<int:hydrant_permit_id>/insurance/",
        permits.permit_insurance,
        name="permit_insurance",
    ),
    path(
        "hydrants/permits/<int:hydrant_permit_id>/issue/",
        permits.meter_issue,
        name="meter_issue",
    ),
]
urlpatterns += [path("hydrants/usage/", include("hydrants.usage.urls"))]  # reads, returns
