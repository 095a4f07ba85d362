"""Reads of CSR I review: the items waiting, the ones done, one item with its record."""

from django.db.models import QuerySet

from district.models_review import ReviewItem


def review_items(*, reviewed: bool = False) -> QuerySet[ReviewItem]:
    """Waiting items oldest first, or reviewed ones newest first (the history of sign-offs)."""
    items = ReviewItem.objects.select_related("done_by", "reviewed_by")
    if reviewed:
        return items.filter(reviewed_at__isnull=False).order_by("-reviewed_at", "-id")
    return items.filter(reviewed_at__isnull=True).order_by("sampled_at", "id")


def review_item_get(item_id: int) -> ReviewItem | None:
    return (
        ReviewItem.objects.select_related("done_by", "reviewed_by", "content_type")
        .filter(pk=item_id)
        .first()
    )


def review_item_record_url(item: ReviewItem) -> str:
    """The reviewed record's page, when it has one (and still exists)."""
    model = item.content_type.model_class()
    if model is None or not hasattr(model, "get_absolute_url"):
        return ""
    record = model._default_manager.filter(pk=item.object_id).first()
    return record.get_absolute_url() if record is not None else ""
