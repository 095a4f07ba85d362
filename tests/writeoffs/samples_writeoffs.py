"""Builders of write-offs' URL arguments (merged by the access matrix)."""

from billing.writeoffs.models import AgencyExport
from tests import factories

SAMPLE_KWARGS = {
    "export_id": lambda: (
        AgencyExport.objects.create(created_by=factories.UserFactory(), content="Record\r\n").pk
    ),
}
POST_ONLY: set = set()
