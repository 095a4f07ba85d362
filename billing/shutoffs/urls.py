from django.urls import path

from billing.shutoffs import views

app_name = "shutoffs"

urlpatterns = [
    path("shutoffs/", views.index, name="index"),
    path("shutoffs/lists/<str:day>/", views.day, name="day"),
    path("shutoffs/lists/<str:day>/prepare/", views.prepare, name="prepare"),
    path("shutoffs/lists/<str:day>/approve/", views.approve, name="approve"),
    path("shutoffs/accounts/<int:account_id>/reconnect/", views.reconnect, name="reconnect"),
    path("shutoffs/report/", views.report, name="report"),
    path("shutoffs/report/<int:year>.csv", views.report_csv, name="report_csv"),
]
