"""The ledger (double-entry books): data and database constraints."""
