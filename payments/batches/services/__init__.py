"""Payment batches: mail typed by a CSR against control figures, and processor/lockbox files.

A mail batch is open while items are entered and corrected (an item is not money yet); it
posts once, atomically, when its items match the control count and total: one journal for the
batch and a Payment (line + tender) per item, written in bulk with a fixed number of queries.
A payment file posts at import, all or nothing; it is imported once (its sha256) and each of
its items once (its external id). Items that match no account are kept as exceptions, their
money held in unapplied payments until a CSR resolves them to an account.
"""

from payments.batches.services.common import BATCH_DEBIT_GL, SUSPENSE_GL
from payments.batches.services.imports import (
    FileImportResult,
    batch_item_resolve,
    payment_file_import,
)
from payments.batches.services.mail import (
    batch_create,
    batch_item_add,
    batch_item_delete,
    batch_item_update,
    batch_post,
)

__all__ = [
    "BATCH_DEBIT_GL",
    "SUSPENSE_GL",
    "FileImportResult",
    "batch_create",
    "batch_item_add",
    "batch_item_delete",
    "batch_item_resolve",
    "batch_item_update",
    "batch_post",
    "payment_file_import",
]
