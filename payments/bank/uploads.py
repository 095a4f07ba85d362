"""A BAI2 upload: stored first, imported by a task that takes its id.

The page stores the bytes as they came (a Bai2Upload row: the database is the one store every
web and worker machine shares) and queues the import with the row's id, so nothing large goes
through the broker. The import writes back what happened (imported, with the file it made or
found, or refused with the importer's reason), which the page shows whether the import ran in
this process or on a worker. Importing an upload twice is harmless: the row is locked and only
a pending upload is imported, and a file is imported once by its sha256 anyway.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from district.errors import ServiceError, require
from district.roles import Perm
from payments.bank.imports import ImportResult, bai2_import
from payments.models import Bai2Upload

Status = Bai2Upload.Status


def bai2_upload_store(*, content: bytes, file_name: str, by) -> Bai2Upload:
    """Keep an uploaded file until its import runs (bai2_upload_import)."""
    require(by, Perm.RECONCILE_BANK, doing="import bank files")
    if not content:
        raise ServiceError("The file is empty.", code="empty")
    return Bai2Upload.objects.create(
        file_name=(file_name or "bai2 file")[:200],
        content=bytes(content),
        size=len(content),
        uploaded_by=by,
    )


def _summary(result: ImportResult) -> str:
    if not result.created:
        return f"{result.message} Nothing was imported."
    if result.reconcile:
        return f"{result.message} Reconciliation: {result.reconcile.summary()}."
    return result.message


@transaction.atomic
def bai2_upload_import(*, upload_id: int) -> Bai2Upload:
    """Import a pending upload as the person who uploaded it, and record the outcome; an upload
    already imported or refused is returned as it is."""
    upload = Bai2Upload.objects.select_for_update().select_related("uploaded_by").get(pk=upload_id)
    if upload.status != Status.PENDING:
        return upload
    try:
        # The stored bytes as the database gave them (a memoryview): read a piece at a time,
        # never copied whole.
        result = bai2_import(
            content=upload.content, file_name=upload.file_name, by=upload.uploaded_by
        )
    except ValidationError as error:
        upload.status = Status.REFUSED
        upload.refusal = " ".join(error.messages)
    else:
        upload.status = Status.IMPORTED
        upload.file = result.file
        upload.message = _summary(result)[:255]
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "refusal", "file", "message", "finished_at"])
    return upload
