"""URLs of returns (merged into the payments namespace by payments/urls.py)."""

from django.urls import path

from payments.returns import views

urlpatterns: list = [
    path("payments/returned/", views.returned_list, name="returned_list"),
    path("payments/returned/new/", views.returned_new, name="returned_new"),
    path("payments/returned/<int:returned_id>/", views.returned_detail, name="returned_detail"),
    path("payments/letters/", views.letter_queue, name="letter_queue"),
    path("payments/letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
    path(
        "payments/letters/<int:letter_id>/printed/",
        views.letter_mark_printed,
        name="letter_mark_printed",
    ),
    path("payments/letters/print-queued/", views.letter_batch_pdf, name="letter_batch_pdf"),
]
