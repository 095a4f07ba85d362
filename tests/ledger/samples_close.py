"""Builders of URL arguments and POST-only page names of the month-end close (merged by the
access matrix)."""

SAMPLE_KWARGS: dict = {"year_month": lambda: "2025-07"}
POST_ONLY: set = {"ledger:month_close_action", "ledger:month_reopen_action"}
