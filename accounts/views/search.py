"""search pages."""
