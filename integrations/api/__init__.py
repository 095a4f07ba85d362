"""The /api/v1/ resources, one module per resource; common.py holds what they share."""
