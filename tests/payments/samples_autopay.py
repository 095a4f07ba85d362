"""Builders of URL arguments and POST-only page names of autopay (merged by the access matrix).

The enrolment page takes account_id (the core builders give it); an ACH file is the prenote
file of a sample online enrolment. Cancelling is POST only."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from district import roles
from district.services import user_create_with_role
from payments.autopay.drafting import prenotes_send
from payments.autopay.enrolment import (
    BankAccountIn,
    autopay_enrol_by_staff,
    autopay_enrol_online,
)
from portal.models import AccountLink
from tests import factories


def sample_ach_file():
    """A prenote file for a new online enrolment of a sample customer."""
    customer_user = user_create_with_role(
        username=f"sample-customer-{uuid.uuid4().hex[:8]}", password="x-sample-x",
        role=roles.CUSTOMER,
    )  # fmt: skip
    account = factories.ServiceAccountFactory()
    AccountLink.objects.create(user=customer_user, service_account=account, method="staff")
    autopay_enrol_online(
        account_id=account.pk,
        bank=BankAccountIn("Sample Holder", "231380104", "000123456789", "checking"),
        by=customer_user,
        ip="127.0.0.1",
    )
    return prenotes_send(on=timezone.localdate(), by=customer_user)


def sample_enrolment():
    """An enrolment from a signed form (a one-line PDF) by a sample CSR."""
    csr = user_create_with_role(
        username=f"sample-csr-{uuid.uuid4().hex[:8]}", password="x-sample-x", role=roles.CSR_I
    )
    return autopay_enrol_by_staff(
        account_id=factories.ServiceAccountFactory().pk,
        bank=BankAccountIn("Sample Holder", "231380104", "000123456789", "checking"),
        signed_form=SimpleUploadedFile("form.pdf", b"%PDF-1.4 sample", "application/pdf"),
        by=csr,
    )


SAMPLE_KWARGS = {
    "ach_file_id": lambda: sample_ach_file().pk,
    "autopay_id": lambda: sample_enrolment().pk,
}
POST_ONLY = {"payments:autopay_cancel", "payments:portal_autopay_cancel"}
