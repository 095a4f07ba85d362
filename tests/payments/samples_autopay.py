"""Builders of URL arguments and POST-only page names of autopay (merged by the access matrix).

The enrolment page takes account_id (the core builders give it); an ACH file is the prenote
file of a sample online enrolment. Cancelling is POST only."""

import uuid

from django.utils import timezone

from district import roles
from district.services import user_create_with_role
from payments.autopay.drafting import prenotes_send
from payments.autopay.enrolment import BankAccountIn, autopay_enrol_online
from tests import factories


def sample_ach_file():
    """A prenote file for a new online enrolment of a sample customer."""
    customer_user = user_create_with_role(
        username=f"sample-customer-{uuid.uuid4().hex[:8]}", password="x-sample-x",
        role=roles.CUSTOMER,
    )  # fmt: skip
    account = factories.ServiceAccountFactory()
    account.customer.user = customer_user
    account.customer.save(update_fields=["user"])
    autopay_enrol_online(
        account_id=account.pk,
        bank=BankAccountIn("Sample Holder", "231380104", "000123456789", "checking"),
        by=customer_user,
        ip="127.0.0.1",
    )
    return prenotes_send(on=timezone.localdate(), by=customer_user)


SAMPLE_KWARGS = {"ach_file_id": lambda: sample_ach_file().pk}
POST_ONLY = {"payments:autopay_cancel", "payments:portal_autopay_cancel"}
