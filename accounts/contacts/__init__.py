"""Contact log, cases and reception."""
