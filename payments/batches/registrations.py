"""Registrations of batches (imported from payments/registrations.py)."""
