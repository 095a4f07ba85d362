"""URL argument builders of the core cashiering rows (sessions, payments, drawers), shared by
every payments area (merged by the access matrix)."""

import uuid
from decimal import Decimal

from district import roles
from district.services import user_create_with_role
from payments.counter.services import PaymentIn, TenderIn, drawer_open, payment_post
from payments.models import Drawer, Tender
from tests import factories


def sample_session():
    """An open drawer session of a new cashier on a new drawer."""
    cashier = user_create_with_role(
        username=f"sample-cashier-{uuid.uuid4().hex[:8]}", password="x-sample-x", role=roles.CSR_I
    )
    drawer = Drawer.objects.create(name=f"Sample {uuid.uuid4().hex[:8]}")
    return drawer_open(drawer=drawer, cashier=cashier, opening_count={"20": 10})


def sample_payment():
    """A $25.00 cash payment taken at a sample drawer."""
    session = sample_session()
    return payment_post(
        session_id=session.pk,
        by=session.cashier,
        payment=PaymentIn(
            allocations=[(factories.ServiceAccountFactory().pk, Decimal("25.00"))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal("25.00"))],
        ),
        idempotency_key=uuid.uuid4().hex,
    )


SAMPLE_KWARGS = {
    "session_id": lambda: sample_session().pk,
    "payment_id": lambda: sample_payment().pk,
    "drawer_id": lambda: Drawer.objects.create(name=f"Sample {uuid.uuid4().hex[:8]}").pk,
}
POST_ONLY: set = set()
