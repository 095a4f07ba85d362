"""The journal fingerprint's text must never change: fingerprints stored by earlier postings are
compared with new ones to tell a retry from a different journal under the same key."""

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from district.ledger.rules import journal_fingerprint
from district.money import CENT


def _as_first_written(*, kind, effective_date, lines, reverses_id=None) -> str:
    """The fingerprint as it was first written, with json.dumps."""
    normalised = sorted(
        [gl_account_id, str(Decimal(amount).quantize(CENT)), service_account_id or 0]
        for gl_account_id, amount, service_account_id in lines
    )
    payload = {
        "kind": str(kind),
        "effective_date": effective_date.isoformat() if effective_date else None,
        "reverses": reverses_id,
        "lines": normalised,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@pytest.mark.parametrize(
    "journal",
    [
        {"kind": "bill", "effective_date": date(2026, 12, 3), "lines": [(3, Decimal("52.5"), 7), (9, Decimal("-52.50"), None)]},
        {"kind": "payment", "effective_date": None, "lines": [(1, 10, None), (3, Decimal("-10.00"), 123456789)]},
        {"kind": "adjustment", "effective_date": date(2025, 1, 31), "lines": [(3, Decimal("-0.01"), 5), (3, Decimal("0.01"), 5), (12, Decimal("1E+2"), None), (4, Decimal("-100"), None)]},
        {"kind": "reversal", "effective_date": date(2026, 2, 1), "lines": [(2, Decimal("9999999999.99"), 1), (8, Decimal("-9999999999.99"), 0)], "reverses_id": 42},
        {"kind": 'a "quoted" kind, señor\\', "effective_date": date(2026, 2, 1), "lines": [(10, Decimal("-2.5"), 3), (2, Decimal("2.50"), 3), (2, Decimal("-0.10"), 3)]},
        {"kind": "bill", "effective_date": date(2026, 12, 3), "lines": [(3, Decimal("-1000000000000"), 7), (3, Decimal("1000000000000.00"), 70)]},
        {"kind": "bill", "effective_date": date(2026, 12, 3), "lines": []},
    ],
)  # fmt: skip
def test_the_fingerprint_is_the_text_it_was_first_written_as(journal):
    # when / then
    assert journal_fingerprint(**journal) == _as_first_written(**journal)
