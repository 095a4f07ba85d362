"""Builders of the supervisor's queues' and CSR I review's URL arguments (merged by the access
matrix)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import ServiceAccount
from district.models_review import ReviewItem
from tests import factories


def _review_item() -> int:
    account = factories.ServiceAccountFactory()
    return ReviewItem.objects.create(
        kind="service-start",
        content_type=ContentType.objects.get_for_model(ServiceAccount),
        object_id=account.pk,
        label="Service start: sample",
        done_on=datetime.date(2026, 1, 5),
        done_by=factories.UserFactory(),
        sampled_at=timezone.now(),
    ).pk


SAMPLE_KWARGS = {"review_item_id": _review_item}
POST_ONLY: set = set()
