"""Thin Celery task of the bank import: import a stored upload by its id, then match its lines
(safe to run twice: only a pending upload is imported, and a file is imported once by its
sha256)."""

from celery import shared_task

from district.attribution import audited_context
from payments.bank.uploads import bai2_upload_import
from payments.models import Bai2Upload

IMPORT_TASK = "payments.bank_bai2_upload_import"


@shared_task(name=IMPORT_TASK, acks_late=True)
def bank_bai2_upload_import(upload_id: int) -> str:
    """Import and reconcile a stored BAI2 upload; returns its status (imported or refused, the
    reason kept on the upload for the page)."""
    by_id = Bai2Upload.objects.filter(pk=upload_id).values_list("uploaded_by_id", flat=True).first()
    with audited_context(task=IMPORT_TASK, user=by_id):
        return bai2_upload_import(upload_id=upload_id).status
