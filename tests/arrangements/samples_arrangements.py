"""Builders of payment arrangements' URL arguments (merged by the access matrix)."""

import datetime
from decimal import Decimal

from billing.arrangements.models import Arrangement
from tests import factories

SAMPLE_KWARGS = {
    "arrangement_id": lambda: (
        Arrangement.objects.create(
            account=factories.ServiceAccountFactory(),
            amount=Decimal("100.00"),
            arranged_on=datetime.date(2026, 1, 15),
            status="active",
        ).pk
    ),
}
POST_ONLY: set = set()
