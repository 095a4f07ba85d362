"""Builders of URL arguments and POST-only page names of enrolment and the CSR's online-access
tools (merged by the access matrix). A link_id is a staff-made link of a new customer login."""

import uuid

from district import roles
from district.services import user_create_with_role
from portal.models import AccountLink
from tests import factories


def sample_link_id() -> int:
    user = user_create_with_role(
        username=f"sample-online-{uuid.uuid4().hex[:8]}", password="x-sample-x",
        role=roles.CUSTOMER,
    )  # fmt: skip
    return AccountLink.objects.create(
        user=user, service_account=factories.ServiceAccountFactory(), method="staff"
    ).pk


SAMPLE_KWARGS = {"link_id": sample_link_id}
POST_ONLY = {"portal:online_access_resend", "portal:online_access_unlock"}
