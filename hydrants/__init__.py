"""Hydrant meter rentals."""
