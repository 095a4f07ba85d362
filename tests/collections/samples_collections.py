"""Builders of collections' URL arguments (merged by the access matrix)."""

from tests.collections.helpers import sample_hold, sample_notice

SAMPLE_KWARGS = {
    "hold_id": lambda: sample_hold().pk,
    "notice_id": lambda: sample_notice().pk,
    "copy": lambda: "customer",
}
POST_ONLY: set = set()
