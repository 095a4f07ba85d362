"""Shut-off and reconnection."""
