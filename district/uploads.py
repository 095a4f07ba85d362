"""Checks every uploaded file passes in its form: a size limit, and a type read from the content.

A file's name and the browser's content type are whatever the sender says, so neither is
trusted: documents (evidence, photos) must start with the magic bytes of a JPEG, PNG, HEIC or
PDF, and data files (read files, rate schedules, BAI2, processor and lockbox files) must be
UTF-8 text without NUL bytes. Each form shows its limit next to the field with `size_help()`.
"""

import codecs

from django import forms

MEGABYTE = 1024 * 1024
# ISO base media brands of HEIC/HEIF photos (iPhones and recent Android phones).
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
DOCUMENT_KINDS = "a photo (JPEG, PNG or HEIC) or a PDF"
_CHUNK_BYTES = 64 * 1024


def size_text(size: int) -> str:
    """A limit as people say it: "10 MB", "200 KB"."""
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:.3g} MB"
    return f"{size / 1024:.0f} KB"


def size_help(max_bytes: int, kinds: str) -> str:
    """Help text for a file field: what it takes and its limit."""
    return f"{kinds[0].upper()}{kinds[1:]}, up to {size_text(max_bytes)}."


def sniff_document(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG, HEIC or PDF from its first bytes, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic", "heic"
    return None


def _check_size(upload, max_bytes: int) -> None:
    size = upload.size or 0
    if size == 0:
        raise forms.ValidationError("That file is empty. Choose it again.")
    if size > max_bytes:
        raise forms.ValidationError(
            f"That file is {size / MEGABYTE:.1f} MB; the limit is {size_text(max_bytes)}."
        )


def document_upload(upload, *, max_bytes: int = 10 * MEGABYTE):
    """The upload, if it is a JPEG, PNG, HEIC or PDF (by content) within the limit."""
    if not upload:
        return upload
    _check_size(upload, max_bytes)
    upload.seek(0)
    head = upload.read(32) or b""
    upload.seek(0)
    if sniff_document(head) is None:
        raise forms.ValidationError(
            f"That file is not {DOCUMENT_KINDS} (its content was checked, not its name)."
        )
    return upload


def text_upload(upload, *, max_bytes: int, kinds: str = "a text file"):
    """The upload, if it is UTF-8 text without NUL bytes (read in chunks) within the limit."""
    if not upload:
        return upload
    _check_size(upload, max_bytes)
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks(_CHUNK_BYTES):
            if b"\x00" in chunk:
                raise forms.ValidationError(
                    f"That file is not {kinds}: it holds binary data (NUL bytes)."
                )
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise forms.ValidationError(
            f"That file is not {kinds} in UTF-8: save it as UTF-8 text and load it again."
        ) from None
    finally:
        upload.seek(0)
    return upload
