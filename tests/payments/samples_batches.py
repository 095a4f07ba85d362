"""Builders of URL arguments and POST-only page names of batches (merged by the access matrix)."""

import uuid
from decimal import Decimal

from district import roles
from district.services import user_create_with_role
from payments.batches.services import batch_create, batch_item_add
from tests import factories


def sample_item():
    """An item of a new open mail batch ($25.00 to a new account)."""
    clerk = user_create_with_role(
        username=f"sample-batch-{uuid.uuid4().hex[:8]}", password="x-sample-x", role=roles.CSR_I
    )
    batch = batch_create(kind="mail", control_count=1, control_total=Decimal("25.00"), by=clerk)
    account = factories.ServiceAccountFactory()
    return batch_item_add(
        batch_id=batch.pk, entered_as=account.number, amount=Decimal("25.00"), by=clerk
    )


SAMPLE_KWARGS = {
    "batch_id": lambda: sample_item().batch_id,
    "item_id": lambda: sample_item().pk,
}
POST_ONLY = {
    "payments:batch_item_delete",
    "payments:batch_post",
    "payments:batch_item_resolve",
    "payments:batch_settlement_close",
}
