"""Photos and documents on work orders: the type is read from the file's first bytes, not its name."""

import uuid
from pathlib import PurePath

from django.db import transaction

from district.attribution import acting_user
from district.errors import NotPermitted, ServiceError
from district.uploads import sniff_document
from field_ops.models import WorkOrder, WorkOrderAttachment
from field_ops.work_orders import selectors
from field_ops.work_orders.services import ORDER_KEEPERS, _lock

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_DESCRIPTION = WorkOrderAttachment._meta.get_field("description").max_length
MAX_NAME = WorkOrderAttachment._meta.get_field("original_name").max_length
ACCEPTED = "a photo (JPEG, PNG or HEIC) or a PDF"
# The district-wide reading of a file's first bytes (district.uploads) decides its type.
sniff_file_type = sniff_document


def _size_text(size: int) -> str:
    # The file's own size, to a tenth of a megabyte: "That file is 12.3 MB".
    return f"{size / (1024 * 1024):.1f} MB"


def _read_head(uploaded_file, length: int = 32) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(length)
    uploaded_file.seek(0)
    return head or b""


def _may_attach(by, work_order: WorkOrder) -> bool:
    if by is None:
        return False
    if work_order.assigned_to_id == by.pk or selectors.can_work_every_order(by):
        return True
    return any(by.has_perm(permission) for permission in ORDER_KEEPERS)


@transaction.atomic
def work_order_attach(
    *, work_order: WorkOrder, uploaded_file, by, description: str = ""
) -> WorkOrderAttachment:
    """Keep a photo or PDF with the order (up to 10 MB; the name is kept, not trusted)."""
    work_order = _lock(work_order)
    if not _may_attach(by, work_order):
        raise NotPermitted("You cannot add files to an order that is not yours.")
    if work_order.status == WorkOrder.Status.CANCELLED:
        raise ServiceError(f"{work_order} is cancelled: files can no longer be added.")
    if uploaded_file is None:
        raise ServiceError({"file": f"Choose {ACCEPTED} to attach."})
    size = uploaded_file.size or 0
    if size == 0:
        raise ServiceError({"file": "That file is empty. Choose the photo or PDF again."})
    if size > MAX_ATTACHMENT_BYTES:
        raise ServiceError(
            {
                "file": f"That file is {_size_text(size)}; the limit is "
                f"{_size_text(MAX_ATTACHMENT_BYTES)}. Take a smaller photo or split the PDF."
            }
        )
    sniffed = sniff_file_type(_read_head(uploaded_file))
    if sniffed is None:
        raise ServiceError({"file": f"Attach {ACCEPTED}. That file is none of those."})
    content_type, extension = sniffed
    description = " ".join((description or "").split())
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(
            {"description": f"Keep the description under {MAX_DESCRIPTION} characters."}
        )
    original_name = PurePath(uploaded_file.name or f"file.{extension}").name[-MAX_NAME:]
    attachment = WorkOrderAttachment(
        work_order=work_order,
        original_name=original_name,
        content_type=content_type,
        size_bytes=size,
        description=description,
        uploaded_by=by,
    )
    # Stored under a name of our making: the typed name may hold anything.
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", uploaded_file, save=False)
    try:
        with acting_user(by):
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
