"""What hydrant meter usage adds to the shared registries (imported by hydrants/registrations.py):
its menu entries, the pick-up order's completion handler, the ledger check of hydrant deposits,
its Celery task, and its policies (post_migrate, as the permits' reference data)."""

from django.apps import apps
from django.db.models.signals import post_migrate

import hydrants.usage.tasks  # noqa: F401  (Celery registers the task on import)
from district import navigation
from district.roles import Perm
from field_ops.completion.registry import register_completion_handler
from field_ops.models import WorkOrder
from hydrants.usage import checks
from hydrants.usage.reference_data import ensure_reference_data
from hydrants.usage.returns import pickup_completed

for item in (
    navigation.NavItem(
        "Hydrant meter usage", "hydrants:usage_meters_out", Perm.VIEW_ACCOUNTS, order=60,
        group="counter",
    ),
    navigation.NavItem(
        "Hydrant reads overdue", "hydrants:usage_overdue_reads", Perm.VIEW_ACCOUNTS, order=61,
        group="counter",
    ),
    navigation.NavItem(
        "Hydrant deposits held", "hydrants:usage_deposits_held", Perm.VIEW_ACCOUNTS, order=62,
        group="cash",
    ),
):  # fmt: skip
    navigation.register(item)

# The technician's reading on a pick-up order is the meter's final read, and the meter is back.
register_completion_handler(
    WorkOrder.Type.HYDRANT_METER_PICKUP, pickup_completed, name="hydrants.pickup_final_read"
)

checks.register()

# Reference data, not business logic: the usage policies after every migrate and flush.
post_migrate.connect(
    ensure_reference_data,
    sender=apps.get_app_config("hydrants"),
    dispatch_uid="hydrants-usage-reference-data",
)
