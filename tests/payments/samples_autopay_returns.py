"""Builders of URL arguments and POST-only page names of ACH returns (merged by the access
matrix)."""

from district import roles
from district.services import user_create_with_role
from payments.autopay.returns import ach_returns_import
from payments.models import AchChangeNotice
from tests import factories
from tests.payments.autopay_returns.builders import (
    changed,
    draft_paid,
    enrolment_for,
    return_bytes,
)


def sample_change_notice() -> AchChangeNotice:
    """A pending C01 for a sample enrolment's draft, from its own imported file."""
    lead = user_create_with_role(
        username=f"ach-sample-{factories.new_key()}", password="x", role=roles.CSR_III
    )
    draft = draft_paid(enrolment_for(factories.ServiceAccountFactory(), lead), lead)
    result = ach_returns_import(
        content=return_bytes(changes=[changed(draft.trace_number, "C01", "98765432101")]),
        file_name="sample-noc.ach",
        by=lead,
    )
    return result.entries[0].change_notice


SAMPLE_KWARGS: dict = {
    "ach_return_file_id": lambda: sample_change_notice().entry.file_id,
    "ach_change_notice_id": lambda: sample_change_notice().pk,
}
POST_ONLY: set = {"payments:ach_change_confirm", "payments:ach_change_decline"}
