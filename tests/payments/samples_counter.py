"""Builders of URL arguments and POST-only page names of counter (merged by the access matrix).

The counter's pages take session_id and payment_id, built in samples_core."""

SAMPLE_KWARGS: dict = {}
POST_ONLY: set = {"payments:receipt_void", "payments:api_counter_payment"}
