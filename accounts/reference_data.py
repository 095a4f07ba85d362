"""The accounts app's starting data: the first deposit guidelines and the referral departments.

Loaded after every migrate and flush (post_migrate) when missing; supervisors change them
afterwards (deposit guidelines by adding a new version).
"""

import datetime
from decimal import Decimal

from django.apps import apps

DEPARTMENTS = [
    "Customer Service",
    "Field Operations",
    "Engineering",
    "Finance",
    "Water Quality",
    "General Manager's Office",
]

# Deposit by customer class and meter size, roughly two months of a typical bill.
_RESIDENTIAL = {"5/8": "100.00", "3/4": "100.00", "1": "150.00", "1-1/2": "250.00", "2": "350.00"}
_COMMERCIAL = {
    "5/8": "200.00",
    "3/4": "200.00",
    "1": "300.00",
    "1-1/2": "500.00",
    "2": "700.00",
    "3": "1200.00",
    "4": "1800.00",
    "6": "3000.00",
    "8": "4500.00",
    "10": "6000.00",
}
DEPOSIT_AMOUNTS = {
    "residential": _RESIDENTIAL,
    "multi_family": {**_RESIDENTIAL, "3": "900.00", "4": "1400.00"},
    "commercial": _COMMERCIAL,
    "irrigation": _COMMERCIAL,
    "agricultural": _COMMERCIAL,
    "temporary": dict.fromkeys(_COMMERCIAL, "1500.00"),
}


def ensure_reference_data(sender=None, **kwargs) -> None:
    state = kwargs.get("apps") or apps
    try:
        department_model = state.get_model("accounts", "Department")
        guideline_model = state.get_model("accounts", "DepositGuideline")
        amount_model = state.get_model("accounts", "DepositGuidelineAmount")
    except LookupError:
        return
    for name in DEPARTMENTS:
        department_model.objects.get_or_create(name=name)
    if guideline_model.objects.exists():
        return
    guideline = guideline_model.objects.create(
        effective_from=datetime.date(2000, 1, 1),
        minimum=Decimal("50.00"),
        notes="Starting guidelines; supervisors add new versions.",
    )
    amount_model.objects.bulk_create(
        amount_model(
            guideline=guideline,
            customer_class=customer_class,
            meter_size=size,
            amount=Decimal(amount),
        )
        for customer_class, amounts in DEPOSIT_AMOUNTS.items()
        for size, amount in amounts.items()
    )
