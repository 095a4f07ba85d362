"""Accounts: data and database constraints."""
