"""Builders of assistance programs' URL arguments (merged by the access matrix)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Enrolment, Program
from tests import factories

SAMPLE_KWARGS = {
    "program_id": lambda: Program.objects.get(code="calfresh").pk,
    # The evidence page answers 404 without a stored file.
    "enrolment_id": lambda: (
        Enrolment.objects.create(
            account=factories.ServiceAccountFactory(),
            program=Program.objects.get(code="calfresh"),
            starts_on=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2027, 1, 1),
            evidence="Benefit letter",
            evidence_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter"),
        ).pk
    ),
}
POST_ONLY: set = set()
