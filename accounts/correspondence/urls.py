from django.urls import path

from accounts.correspondence import views

app_name = "correspondence"

urlpatterns = [
    path("correspondence/templates/", views.template_list, name="template_list"),
    path("correspondence/templates/new/", views.template_new, name="template_new"),
    path(
        "correspondence/templates/<int:letter_template_id>/edit/",
        views.template_edit,
        name="template_edit",
    ),
    path(
        "correspondence/templates/<int:letter_template_id>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path(
        "correspondence/templates/<int:letter_template_id>/history/",
        views.template_history,
        name="template_history",
    ),
    path("correspondence/batches/", views.batch_list, name="batch_list"),
    path(
        "correspondence/batches/deposit-refunds/",
        views.batch_deposit_refunds,
        name="batch_deposit_refunds",
    ),
    path("correspondence/batches/<int:print_batch_id>/pdf/", views.batch_pdf, name="batch_pdf"),
    path(
        "correspondence/letters/<int:correspondence_letter_id>/pdf/",
        views.letter_pdf,
        name="letter_pdf",
    ),
    path("correspondence/exports/", views.export_log, name="export_log"),
]
