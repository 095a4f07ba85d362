"""Registrations of bank (imported from payments/registrations.py)."""
