"""Builders of URL arguments and POST-only page names of bank (merged by the access matrix)."""

SAMPLE_KWARGS: dict = {}
POST_ONLY: set = set()
