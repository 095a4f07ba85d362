"""Deposits by the written guidelines."""
