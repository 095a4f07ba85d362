"""Registrations of refunds (imported from payments/registrations.py)."""
