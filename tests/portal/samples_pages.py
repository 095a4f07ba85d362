"""Builders of URL arguments and POST-only page names of the customer's pages (merged by the
access matrix). The core builders give account_id; a service request is a sample customer's."""

import datetime
import uuid

from district import roles
from district.services import user_create_with_role
from portal.models import AccountLink
from portal.service_requests.models import ServiceRequest
from tests import factories


def sample_service_request() -> ServiceRequest:
    customer = user_create_with_role(
        username=f"sample-customer-{uuid.uuid4().hex[:8]}", password="x-sample-x",
        role=roles.CUSTOMER,
    )  # fmt: skip
    account = factories.ServiceAccountFactory()
    AccountLink.objects.create(user=customer, service_account=account, method="staff")
    return ServiceRequest.objects.create(
        kind="stop",
        service_account=account,
        requested_by=customer,
        wanted_on=datetime.date(2030, 1, 2),
        forwarding_address="1 Sample St",
    )


SAMPLE_KWARGS = {"service_request_id": lambda: sample_service_request().pk}
POST_ONLY = {"portal:staff_request_take", "portal:staff_request_close"}
