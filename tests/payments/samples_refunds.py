"""Builders of URL arguments and POST-only page names of refunds (merged by the access matrix)."""

SAMPLE_KWARGS: dict = {}
POST_ONLY: set = set()
