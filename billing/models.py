"""Billing: data and database constraints."""
