"""Approvals: data and database constraints."""
