"""Registrations of returns (imported from payments/registrations.py)."""
