"""Bill runs: calculate -> audit -> post for one cycle's period (see services.py)."""
