"""Start, stop and transfer of service."""
