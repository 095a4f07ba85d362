"""Thin Celery task of the bank import: store the file, then match its lines (safe to run
twice: a file is imported once by its sha256)."""

import base64

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from district.attribution import audited_context
from payments.bank.imports import bai2_import

IMPORT_TASK = "payments.bank_bai2_import"


@shared_task(name=IMPORT_TASK, acks_late=True)
def bank_bai2_import(content_base64: str, file_name: str, by_id: int) -> dict:
    """Import and reconcile a BAI2 file (its bytes base64-encoded); returns what happened, or
    {"refused": reason} when the file breaks the rules (nothing written)."""
    by = get_user_model().objects.get(pk=by_id)
    with audited_context(task=IMPORT_TASK, user=by_id):
        try:
            result = bai2_import(
                content=base64.b64decode(content_base64), file_name=file_name, by=by
            )
        except ValidationError as error:
            return {"refused": " ".join(error.messages)}
    return {
        "file_id": result.file.pk,
        "created": result.created,
        "message": result.message,
        "reconcile": result.reconcile.summary() if result.reconcile else "",
    }
