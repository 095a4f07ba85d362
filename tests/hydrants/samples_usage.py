"""Builders of URL arguments and POST-only page names of hydrant meter usage (merged by the
access matrix)."""

from tests.hydrants.usage.builders import inspection_photo, meter_out

SAMPLE_KWARGS: dict = {
    "meter_issue_id": lambda: meter_out().pk,
    "permit_id": lambda: meter_out().permit_id,
    "inspection_photo_id": lambda: inspection_photo().pk,
}
POST_ONLY: set = {
    "hydrants:usage_return_start",
    "hydrants:usage_return_record",
    "hydrants:usage_final_bill",
    "hydrants:usage_my_meter_read",
}
