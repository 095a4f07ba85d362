"""Registrations of deposits (imported from payments/registrations.py)."""
