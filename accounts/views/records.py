"""records pages."""
