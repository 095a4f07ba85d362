"""Store a BAI2 prior-day file: once per file (the sha256 of its normalised text, so a file sent
again with other line ends or padding is the same file) and once per line (line key).

All or nothing: a file the parser refuses, or one imported already, writes nothing. The file is
read, checked and stored a piece at a time (bai2.read, import_store.FileStore) inside one
transaction, so a file refused at its end rolls back what was written before.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError
from payments.bank import bai2, bai2_text
from payments.bank.import_store import (
    RECEIPTS_ACCOUNTS_POLICY,
    FileStore,
    ImportResult,
    line_key,
)
from payments.bank.reconcile import bai2_reconcile
from payments.models import Bai2File

__all__ = [
    "RECEIPTS_ACCOUNTS_POLICY",
    "ImportResult",
    "bai2_import",
    "content_fingerprint",
    "line_key",
]


def _already(existing: Bai2File) -> str:
    when = timezone.localtime(existing.imported_at)
    return (
        f"{existing.file_name} was already imported on {when:%m/%d/%Y %H:%M} (file {existing.pk})."
    )


def _normalised_sha256(content) -> str:
    digest = hashlib.sha256()
    emitted = False
    blanks = 0  # blank lines not hashed yet: dropped if nothing follows them
    for segment in bai2_text.lines(content):
        # The lines str.splitlines would give for this segment (it also breaks at \x0c, \x85...).
        for line in (segment + "\n").splitlines():
            line = line.rstrip()
            if not line:
                blanks += 1
                continue
            digest.update(("\n" * (blanks + emitted) + line).encode())
            emitted, blanks = True, 0
    return digest.hexdigest()


def _raw_sha256(content) -> str:
    digest = hashlib.sha256()
    for chunk in bai2_text.raw_chunks(content):
        digest.update(chunk)
    return digest.hexdigest()


def content_fingerprint(content) -> str:
    """The sha256 of the file as the bank meant it: decoded, each line without its trailing
    blanks, the lines joined by LF, with no blank lines or padding at the end. Worked out a
    line at a time.

    A bank that sends a file again through another channel often changes only the line ends
    (CRLF for LF) or the padding; that is the same file, and must import nothing the second
    time. A file the decoder refuses keeps the hash of its bytes (the parser refuses it anyway).
    """
    try:
        return _normalised_sha256(content)
    except bai2.Bai2Error:
        return _raw_sha256(content)


def _imported_before(content, fingerprint: str) -> Bai2File | None:
    # Files imported before fingerprints were normalised are known by their bytes' hash.
    raw = _raw_sha256(content)
    return Bai2File.objects.filter(sha256__in={fingerprint, raw}).order_by("pk").first()


def _store(content, *, sha256: str, file_name: str, by) -> ImportResult:
    store = FileStore(sha256=sha256, file_name=file_name, by=by)
    for code, piece in bai2.read(content):
        store.take(code, piece)
    return store.finish()


def bai2_import(*, content, file_name: str, by, reconcile: bool = True) -> ImportResult:
    """Check and store a BAI2 file, then match its lines (see reconcile.bai2_reconcile).

    `content` is the file's bytes (or a memoryview of them). Refused with a ServiceError naming
    the line when the file breaks the BAI2 rules or its counts and control totals disagree; a
    file imported before returns its first import."""
    if not content:
        raise ServiceError("The file is empty.", code="empty")
    sha256 = content_fingerprint(content)
    existing = _imported_before(content, sha256)
    if existing is not None:
        return ImportResult(file=existing, created=False, message=_already(existing))
    try:
        with transaction.atomic(), acting_user(by):
            result = _store(content, sha256=sha256, file_name=file_name, by=by)
            if reconcile:
                # In the same transaction: a file is never left imported but unmatched.
                result.reconcile = bai2_reconcile(file_id=result.file.pk, by=by)
    except bai2.Bai2Error as error:
        raise ServiceError(
            f"{file_name} was refused: {error}", code="bai2", params={"line": error.line}
        ) from error
    except IntegrityError as error:
        existing = Bai2File.objects.filter(sha256=sha256).first()
        if existing is not None:
            return ImportResult(file=existing, created=False, message=_already(existing))
        raise ServiceError(
            "Another import of these lines ran at the same time; import the file again.",
            code="race",
        ) from error
    return result
