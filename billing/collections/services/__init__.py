"""Collections writes: holds, the ladder's steps, notices, phone attempts and door hangers."""

from billing.collections.services.holds import hold_add, hold_release
from billing.collections.services.ladder_edit import ladder_step_save
from billing.collections.services.notice_issue import notice_issue
from billing.collections.services.phone import phone_attempt_record
from billing.collections.services.visits import door_hanger_completed, door_hanger_order

__all__ = [
    "door_hanger_completed",
    "door_hanger_order",
    "hold_add",
    "hold_release",
    "ladder_step_save",
    "notice_issue",
    "phone_attempt_record",
]
