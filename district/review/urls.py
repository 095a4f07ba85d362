"""URLs of CSR I review."""

from django.urls import path

from district.review import views

app_name = "review"
urlpatterns = [
    path("supervisor/review/", views.review_queue, name="queue"),
    path("supervisor/review/<int:review_item_id>/", views.review_item, name="item"),
]
