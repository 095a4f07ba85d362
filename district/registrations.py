"""What the district package adds to the shared registries (imported by DistrictConfig.ready()):
its deployment checks, its Celery tasks, its menu entry and the records with a History tab that
it owns."""

from district import checks, navigation, tasks  # noqa: F401  (checks and tasks register on import)
from district import security_registrations as _security  # noqa: F401
from district.audit import register_history_model
from district.queues import registrations as _queues  # noqa: F401
from district.review import registrations as _review  # noqa: F401
from district.roles import Perm

navigation.register(
    navigation.NavItem("Policies", "policies", Perm.VIEW_ACCOUNTS, order=90, group="supervision")
)
navigation.register(
    navigation.NavItem(
        "Office calendar", "office_calendar", Perm.VIEW_ACCOUNTS, order=91, group="supervision"
    )
)
register_history_model("policy", "district.Policy", "policy_edit", "policy_id")
