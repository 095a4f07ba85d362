"""Hydrant meter rentals: data and database constraints."""
