"""URLs of hydrant meter usage, included by hydrants/urls.py (names in the "hydrants" namespace,
prefixed usage_)."""

from django.urls import path

from hydrants.usage import portal, views

urlpatterns = [
    path("meters-out/", views.meters_out, name="usage_meters_out"),
    path("reads-overdue/", views.overdue_reads, name="usage_overdue_reads"),
    path("deposits-held/", views.deposits_held, name="usage_deposits_held"),
    path("issues/<int:meter_issue_id>/", views.issue, name="usage_issue"),
    path("issues/<int:meter_issue_id>/pick-up/", views.return_start, name="usage_return_start"),
    path("issues/<int:meter_issue_id>/return/", views.return_record, name="usage_return_record"),
    path("issues/<int:meter_issue_id>/inspection/", views.inspection, name="usage_inspection"),
    path("issues/<int:meter_issue_id>/final-bill/", views.final_bill, name="usage_final_bill"),
    path("issues/<int:meter_issue_id>/lost/", views.lost, name="usage_lost"),
    path("permits/<int:permit_id>/settle/", views.settle, name="usage_settle"),
    path(
        "inspection-photos/<int:inspection_photo_id>/",
        views.inspection_photo,
        name="usage_inspection_photo",
    ),
    # the contractor's own meters (customer portal)
    path("my-meters/", portal.my_meters, name="usage_my_meters"),
    path("my-meters/<int:meter_issue_id>/read/", portal.my_meter_read, name="usage_my_meter_read"),
]
