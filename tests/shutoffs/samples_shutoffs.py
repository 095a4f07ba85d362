"""Sample URL arguments of the shut-off pages for the access matrix (merged by it)."""

SAMPLE_KWARGS = {"year": lambda: 2026}
POST_ONLY: set = {"shutoffs:prepare", "shutoffs:approve", "shutoffs:reconnect"}
