from django.urls import path

from billing.writeoffs import views

app_name = "writeoffs"

urlpatterns = [
    path("write-offs/proposals/", views.proposals, name="proposals"),
    path("write-offs/", views.write_off_list, name="list"),
    path("write-offs/agency/", views.exports, name="exports"),
    path(
        "write-offs/agency/<int:export_id>/download/",
        views.export_download,
        name="export_download",
    ),
]
