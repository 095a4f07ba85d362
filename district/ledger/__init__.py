"""The ledger (double-entry books)."""
