"""Builders of URL arguments and POST-only page names of correspondence (merged by the access
matrix)."""

from accounts.correspondence.models import LetterTemplate, PrintBatch
from accounts.correspondence.services import letter_batch_create
from district import roles
from district.services import user_create_with_role
from tests.factories import ServiceAccountFactory


def sample_print_batch() -> PrintBatch:
    """A batch of one printed general letter, made by a sample CSR."""
    csr = user_create_with_role(
        username=f"sample-letters-{PrintBatch.objects.count()}", password="x", role=roles.CSR_I
    )
    account = ServiceAccountFactory()
    return letter_batch_create(
        key="general", account_ids=[account.pk], by=csr, reason="Sample batch"
    )


SAMPLE_KWARGS: dict = {
    "letter_template_id": lambda: LetterTemplate.objects.get(key="welcome", language="en").pk,
    "print_batch_id": lambda: sample_print_batch().pk,
    "correspondence_letter_id": lambda: sample_print_batch().letters.get().pk,
}
POST_ONLY: set = {"correspondence:template_preview", "correspondence:batch_deposit_refunds"}
