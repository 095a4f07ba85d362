"""Field operations."""
