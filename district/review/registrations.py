"""What CSR I review adds (imported by district/registrations.py): its nightly task, its
policies' post_migrate receiver and its menu entry."""

from django.db.models.signals import post_migrate

from district import navigation
from district.audit import register_history_model
from district.review import tasks  # noqa: F401  (the task registers on import)
from district.review.reference_data import ensure_review_policies
from district.roles import Perm

# Reference data, not business logic: restored after migrate and flush like district's own.
post_migrate.connect(ensure_review_policies, dispatch_uid="district-review-policies")
navigation.register(
    navigation.NavItem(
        "CSR I review", "review:queue", Perm.APPROVE_REQUESTS, order=81, group="supervision"
    )
)
# The item's History tab: who filed it, and who signed it off, when and with what finding.
register_history_model(
    "review_item",
    "district.ReviewItem",
    "review:item",
    "review_item_id",
    permission=Perm.APPROVE_REQUESTS,
)
