"""Builders of the account page's panel URL arguments (merged by the access matrix)."""

SAMPLE_KWARGS = {
    "panel_key": lambda: "consumption",  # a panel every role that sees accounts may open
}
POST_ONLY: set[str] = set()
