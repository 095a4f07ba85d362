"""Field operations: data and database constraints."""
