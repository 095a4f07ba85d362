"""Payments: data and database constraints."""
