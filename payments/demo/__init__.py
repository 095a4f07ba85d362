"""The demo district's history replayed through the real services (see history.py)."""
