"""URLs of batches (merged into the payments namespace by payments/urls.py)."""

from django.urls import path

from payments.batches import views

urlpatterns = [
    path("payments/batches/", views.batch_list, name="batch_list"),
    path("payments/batches/new/", views.batch_new, name="batch_new"),
    path("payments/batches/import/", views.batch_import, name="batch_import"),
    path("payments/batches/exceptions/", views.batch_exceptions, name="batch_exceptions"),
    path("payments/batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("payments/batches/<int:batch_id>/post/", views.batch_post, name="batch_post"),
    path(
        "payments/batches/<int:batch_id>/close/",
        views.batch_settlement_close,
        name="batch_settlement_close",
    ),
    path(
        "payments/batches/items/<int:item_id>/edit/", views.batch_item_edit, name="batch_item_edit"
    ),
    path(
        "payments/batches/items/<int:item_id>/delete/",
        views.batch_item_delete,
        name="batch_item_delete",
    ),
    path(
        "payments/batches/items/<int:item_id>/resolve/",
        views.batch_item_resolve,
        name="batch_item_resolve",
    ),
]
