"""Writes of the physical network, one module per concern.

- premises: service locations (create, update, the APN's printed form)
- meters: stock, description, manual status moves, the meter lock
- installations: install, remove, exchange (each with its register reading)
- reads: record and correct a reading, with the checks and flags they share

Every function takes the acting user (`by`), validates with messages a counter clerk
understands (keyed by the form field they belong to, as a district.errors.ServiceError),
locks what it changes and returns the result.
"""
