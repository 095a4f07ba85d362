"""The kinds of letter: the merge fields every letter has, and each kind's own (the facts its
caller passes in `context_extra`), with sample values for validation and previews."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Contact

# Every letter: the customer, the account and the district.
SAMPLE_BASE = {
    "customer_name": "Maria Lopez",
    "mailing_address_line1": "125 Orchard Lane",
    "mailing_address_line2": "Apt 4",
    "mailing_address_line3": "Riverside, CA 92501",
    "account_number": "100-2003-4",
    "service_address": "125 Orchard Lane, Riverside, CA 92501",
    "balance": Decimal("145.50"),
    "due_date": datetime.date(2026, 7, 21),
    "amount": Decimal("120.50"),
    "date": datetime.date(2026, 7, 1),
    "district_name": "Sample Water District",
    "district_phone": "(951) 555-0100",
    "district_address": "1 Main St, Riverside, CA 92501",
}
BASE_FIELDS = tuple(SAMPLE_BASE)


@dataclass(frozen=True)
class LetterKind:
    key: str
    label: str
    contact_reason: str
    extra: dict = field(default_factory=dict)  # merge field -> sample value

    @property
    def fields(self) -> tuple[str, ...]:
        return BASE_FIELDS + tuple(self.extra)

    @property
    def sample(self) -> dict:
        return {**SAMPLE_BASE, **self.extra}


KINDS = {
    kind.key: kind
    for kind in (
        LetterKind(
            "welcome",
            "Welcome",
            Contact.Reason.START,
            {
                "start_date": datetime.date(2026, 7, 6),
                "customer_class": "Residential",
                "billing_frequency": "Monthly",
                "bimonthly": False,
                "paperless": False,
                "turn_on": True,
                "visit_date": datetime.date(2026, 7, 6),  # none: no field visit ordered
            },
        ),
        LetterKind(
            "returned-payment",
            "Returned payment",
            Contact.Reason.RETURNED_PAYMENT,
            {
                "is_check": True,
                "is_money_order": False,
                "check_number": "1001",
                "bank_name": "First Valley Bank",
                "received_on": datetime.date(2026, 6, 20),
                "receipt_number": "2026-00001234",
                "returned_on": datetime.date(2026, 6, 27),
                "reason": "Insufficient funds",
                "fee": Decimal("25.00"),
                "cash_only": False,
            },
        ),
        LetterKind(
            "high-use",
            "High water use",
            Contact.Reason.HIGH_BILL,
            {"usage_hcf": Decimal("42"), "typical_hcf": Decimal("18")},
        ),
        # `amount` is the deposit returned; one of credited / refunded / applied says how.
        LetterKind(
            "deposit-refund",
            "Deposit refund",
            Contact.Reason.BILLING,
            {
                "returned_on": datetime.date(2026, 6, 30),
                "credited": True,  # to the open account's balance
                "refunded": False,  # a check to the customer (the account is final)
                "applied": False,  # to the final bill
                "interest": Decimal("3.15"),  # paid with it (0 when the policy pays none)
            },
        ),
        LetterKind("general", "General letter", Contact.Reason.GENERAL),
    )
}


def letter_kind(key: str) -> LetterKind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown letter key {key!r}; known: {', '.join(KINDS)}") from None
