"""Registers: the reports supervisors and Finance close a month with (billing register, aging
trend, deposits held, ...), each one page with filters, CSV, XLSX and PDF downloads.

An app describes a register once (`definitions.Register`: title, permission, filters form,
columns, a rows selector, an optional chart) in its own `registers.py` and hands the tuple to
`register_all()` from its registrations.py; this package renders every format from that one
description, so the four formats cannot disagree about a total.
"""

from district.registers.definitions import register_all

__all__ = ["register_all"]
